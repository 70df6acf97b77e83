//! The default model, compiled into the binary so that a fresh clone predicts and serves
//! without data or downloads. It is trained by `ser train` on RAVDESS actors 01-20; its
//! `MODEL.md` (in `models/default/`) says how and how well.

use crate::error::ModelError;
use crate::inference::EmotionModel;
use crate::prosody::ProsodyHead;

const CONFIG: &[u8] = include_bytes!("../../../models/default/config.json");
const WEIGHTS: &[u8] = include_bytes!("../../../models/default/model.bpk");
const PROSODY: &[u8] = include_bytes!("../../../models/default/prosody.json");
/// The bundled model's card (Markdown).
pub const MODEL_CARD: &str = include_str!("../../../models/default/MODEL.md");
/// The bundled model's metrics (JSON: validation scores, history, cross-validation).
pub const METRICS: &str = include_str!("../../../models/default/metrics.json");

impl EmotionModel {
    /// The default model shipped with `ser`, with its prosody head.
    pub fn bundled() -> Result<Self, ModelError> {
        let name = "bundled model";
        let head = ProsodyHead::from_json(PROSODY, name)?;
        Self::from_bytes(CONFIG, vec![WEIGHTS.to_vec()], name)?.with_prosody(head, name)
    }
}
