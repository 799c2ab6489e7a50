-- Schema version 6. Models and their predictions: a model's distribution per item, held against the
-- panel. Part of the record: append-only, and written by dissent only (as schema 3 guards the
-- rest). Re-importing a model under its name (`--replace`) appends a new version; the old one
-- stays, superseded by the newer (the latest version of a name is the one in force), and the
-- replacement is logged as an event. Each import's event (chained) carries the digest of the
-- version's predictions as stored (src/domain/chain.rs), which `dissent verify` recomputes.

CREATE TABLE models (
    id          INTEGER PRIMARY KEY,
    batch_id    INTEGER NOT NULL REFERENCES batches(id),
    name        TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    source      TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    predictions INTEGER NOT NULL,
    UNIQUE (batch_id, name, version)
);

-- One row per (model, item). `distribution` holds the model's probabilities in the rubric's
-- label order as little-endian 8-byte floats (8 bytes a label); `kl` is KL(panel ‖ model) in
-- nats (model clipped at 1e-12, src/domain/divergence.rs) and `model_entropy` in bits, so the
-- console sorts by KL through the index below.
CREATE TABLE predictions (
    model_id      INTEGER NOT NULL REFERENCES models(id),
    item_id       INTEGER NOT NULL REFERENCES items(id),
    distribution  BLOB NOT NULL,
    kl            REAL NOT NULL,
    model_entropy REAL NOT NULL,
    PRIMARY KEY (model_id, item_id)
) WITHOUT ROWID;
CREATE INDEX predictions_by_kl ON predictions (model_id, kl, item_id);

CREATE TRIGGER models_by_dissent BEFORE INSERT ON models
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'models are written by dissent only'); END;
CREATE TRIGGER models_no_update BEFORE UPDATE ON models
BEGIN SELECT RAISE(ABORT, 'models are append-only: --replace adds a version'); END;
CREATE TRIGGER models_no_delete BEFORE DELETE ON models
BEGIN SELECT RAISE(ABORT, 'models are append-only: --replace adds a version'); END;

CREATE TRIGGER predictions_by_dissent BEFORE INSERT ON predictions
WHEN written_by_dissent_only() IS NOT 1
BEGIN SELECT RAISE(ABORT, 'predictions are written by dissent only'); END;
CREATE TRIGGER predictions_no_update BEFORE UPDATE ON predictions
BEGIN SELECT RAISE(ABORT, 'predictions are append-only: --replace adds a model version'); END;
CREATE TRIGGER predictions_no_delete BEFORE DELETE ON predictions
BEGIN SELECT RAISE(ABORT, 'predictions are append-only: --replace adds a model version'); END;
