//! What every read of a recording does to a mono signal arriving in pieces, between decoding
//! and the model: read from a file, frees it of mains hum ([`HumStream`], first, so that no
//! filter after it turns the hum's start into a step), then of its DC offset ([`DcBlocker`]),
//! then resamples it to the model's rate ([`StreamResampler`]). Files and one side of a call
//! read it so ([`crate::Resampled`], for the channel and for the other channels beside it), and
//! so does the live microphone, which removes hum from each window it classifies instead
//! ([`crate::remove_hum`]), as a lag of ten seconds would not do there.

use crate::dc::{DcBlocker, START_LEN as DC_START_LEN};
use crate::hum::HumStream;
use crate::resample::StreamResampler;

/// A mono stream freed of hum and its DC offset and resampled, piece by piece.
pub struct MonoStream {
    hum: Option<HumStream>,
    blocker: DcBlocker,
    resampler: StreamResampler,
    /// Received (freed of hum), not yet filtered: the start of the stream until there is
    /// enough of it, then each stretch for the time it is passed on.
    held: Vec<f32>,
    /// Whether the start has been passed on.
    started: bool,
}

impl MonoStream {
    /// A recording arriving at `in_rate` Hz, to be read at `out_rate` Hz, freed of hum by
    /// segments of ten seconds (so given out up to ten seconds after it came in).
    pub fn new(in_rate: u32, out_rate: u32) -> Self {
        Self {
            hum: Some(HumStream::new(in_rate)),
            ..Self::live(in_rate, out_rate)
        }
    }

    /// A stream arriving at `in_rate` Hz, read at `out_rate` Hz as it comes, hum and all.
    pub fn live(in_rate: u32, out_rate: u32) -> Self {
        Self {
            hum: None,
            blocker: DcBlocker::new(in_rate),
            resampler: StreamResampler::new(in_rate, out_rate),
            held: Vec::new(),
            started: false,
        }
    }

    /// Appends to `out` what the next piece of the stream gives at the output rate. The first
    /// 4096 samples are held back until they are all in, for the DC filter to measure
    /// the level before the recording on them (a decoder's first piece can be 1152 samples, 24 ms
    /// at 48 kHz: a mean over one period and a bit of mains hum took a share of it for offset).
    pub fn push(&mut self, piece: &[f32], out: &mut Vec<f32>) {
        match &mut self.hum {
            Some(hum) => hum.push(piece, &mut self.held),
            None => self.held.extend_from_slice(piece),
        }
        if !self.started && self.held.len() < DC_START_LEN {
            return;
        }
        self.started = true;
        self.pass(out);
    }

    /// Appends the samples still held, once the stream has ended.
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        if let Some(hum) = &mut self.hum {
            hum.finish(&mut self.held);
        }
        self.pass(out);
        self.resampler.finish(out);
    }

    /// Filters and resamples the samples held, appending what they give to `out`.
    fn pass(&mut self, out: &mut Vec<f32>) {
        self.blocker.process(&mut self.held);
        self.resampler.push(&self.held, out);
        self.held.clear();
    }
}
