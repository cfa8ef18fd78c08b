-- The supervision cockpit's figures (docs/architecture.md "Cockpit"), kept
-- by the indexer in the transaction that projects each block, so a page
-- load reads a few small rows instead of scanning movements. One table for
-- every figure: a figure name, its period and up to three keys name a sum.
--
--   figure    period      k1             k2          k3       grams / value / count
--   month     YYYY-MM     import|export                       g, fen, lines
--   country   YYYY        origin                              imports: g, fen, lines
--   importer  YYYY        enterprise id                       imports: g, fen, lines
--   exporter  YYYY        exporter name                       imports: g, fen, lines
--   price     YYYY-MM-DD  origin         HS code             imports: g, fen, lines
--   ticket    YYYY        enterprise id  family      business documents declared (count)
--   stock     ''          enterprise id  HS code     bonded|nonbonded  g, g×fen/kg
--
-- value is a commercial sum and sealed like the prices it adds up
-- (place cockpit_sums.value); weights and counts are in clear as elsewhere.
-- A movement undone by a voided document counts negative, so every sum is
-- what stands now. Derived from blocks only: a rebuild reproduces it.

-- +goose Up
CREATE TABLE cockpit_sums (
    grams   bigint NOT NULL,
    count   bigint NOT NULL,
    figure  text NOT NULL,
    period  text NOT NULL,
    k1      text NOT NULL,
    k2      text NOT NULL,
    k3      text NOT NULL,
    value   text NOT NULL,
    PRIMARY KEY (figure, period, k1, k2, k3)
);

-- +goose Down
DROP TABLE cockpit_sums;
