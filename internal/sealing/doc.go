// Package sealing encrypts sensitive fields at rest with envelope
// encryption: values are sealed with AES-256-GCM under a data key, and data
// keys are stored wrapped by a key-encryption key (KEK) in the node's data
// folder (datakeys.json), never in the database: a dump of the database
// holds ciphertext only, and every database the node's mirror is rebuilt
// into seals with the same keys.
//
//   - KeyEncrypter wraps and unwraps data keys under versioned KEKs. KeyRing
//     implements it with keys from a 0600 file in the data folder or from
//     the environment; a KMS or HSM client can implement it instead.
//   - Sealer holds the unwrapped data keys and seals values. A sealed value carries the data key's id, so keys can be
//     added without re-encrypting, and Rotate re-wraps every data key under
//     the newest KEK version so that older KEK versions can be retired.
//
// Field values are sealed deterministically (SIV-style: the nonce is an
// HMAC of the field's place, its row and the plaintext), because the
// indexer's mirror is checked against a replay of the ledger row by row
// (indexer.TableDigest): the same value in the same place seals to the same
// text, while the same price in two rows or two columns does not. Files are
// sealed with a random nonce; nothing compares them.
package sealing
