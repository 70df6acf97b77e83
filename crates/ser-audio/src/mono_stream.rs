//! What every read of a recording does to a mono signal arriving in pieces, between decoding
//! and the model: frees it of its DC offset ([`DcBlocker`]), then resamples it to the model's
//! rate ([`StreamResampler`]). Files and one side of a call read it so ([`crate::Resampled`], for
//! the channel and for the other channels beside it), and so does the live microphone.

use crate::dc::DcBlocker;
use crate::resample::StreamResampler;

/// A mono stream freed of its DC offset and resampled, piece by piece.
pub struct MonoStream {
    blocker: DcBlocker,
    resampler: StreamResampler,
    /// The piece pushed last, filtered.
    filtered: Vec<f32>,
}

impl MonoStream {
    /// A stream arriving at `in_rate` Hz, to be read at `out_rate` Hz.
    pub fn new(in_rate: u32, out_rate: u32) -> Self {
        Self {
            blocker: DcBlocker::new(in_rate),
            resampler: StreamResampler::new(in_rate, out_rate),
            filtered: Vec::new(),
        }
    }

    /// Appends to `out` what the next piece of the stream gives at the output rate.
    pub fn push(&mut self, piece: &[f32], out: &mut Vec<f32>) {
        self.filtered.clear();
        self.filtered.extend_from_slice(piece);
        self.blocker.process(&mut self.filtered);
        self.resampler.push(&self.filtered, out);
    }

    /// Appends the resampler's last samples, once the stream has ended.
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        self.resampler.finish(out);
    }
}
