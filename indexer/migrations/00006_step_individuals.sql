-- The individual behind each history step: the user id and user role a
-- personal certificate carries (model.Actor UserID, UserRole). Empty for the
-- organisations' shared identities and for steps projected before.

-- +goose Up
ALTER TABLE prefiling_steps
    ADD COLUMN actor_user_id   text NOT NULL DEFAULT '',
    ADD COLUMN actor_user_role text NOT NULL DEFAULT '';
ALTER TABLE document_steps
    ADD COLUMN actor_user_id   text NOT NULL DEFAULT '',
    ADD COLUMN actor_user_role text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE document_steps DROP COLUMN actor_user_role, DROP COLUMN actor_user_id;
ALTER TABLE prefiling_steps DROP COLUMN actor_user_role, DROP COLUMN actor_user_id;
