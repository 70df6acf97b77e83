//! The default model, compiled into the binary so that a fresh clone predicts and serves
//! without data or downloads. It is trained by `ser train` on RAVDESS actors 01-20; its
//! `MODEL.md` (in `models/default/`) says how and how well.

use crate::error::ModelError;
use crate::inference::EmotionModel;

const CONFIG: &[u8] = include_bytes!("../../../models/default/config.json");
const WEIGHTS: &[u8] = include_bytes!("../../../models/default/model.bpk");
/// The bundled model's card (Markdown).
pub const MODEL_CARD: &str = include_str!("../../../models/default/MODEL.md");
/// The bundled model's metrics (JSON: validation scores, history, cross-validation).
pub const METRICS: &str = include_str!("../../../models/default/metrics.json");

impl EmotionModel {
    /// The default model shipped with `ser`.
    pub fn bundled() -> Result<Self, ModelError> {
        Self::from_bytes(CONFIG, vec![WEIGHTS.to_vec()], "bundled model")
    }
}
