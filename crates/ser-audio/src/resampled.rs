//! A decoder read at another rate, stretch by stretch: the channel read (or the mean of all)
//! and, where one channel of several is read, the other channels' mean beside it, each as a
//! [`MonoStream`] (freed of its DC offset, resampled) so that the two line up sample for sample.
//! The whole-file load and the streaming analysis of long recordings both read a decoder this
//! way.

use crate::decode::Decoder;
use crate::error::Result;
use crate::mono_stream::MonoStream;

/// The other channels of a one-channel read: their stream, and their mean over the packet the
/// decoder returned last.
struct Others {
    stream: MonoStream,
    decoded: Vec<f32>,
}

/// A [`Decoder`] resampled to one rate as it is read.
pub struct Resampled {
    decoder: Decoder,
    stream: MonoStream,
    others: Option<Others>,
    flushed: bool,
}

impl Resampled {
    /// Reads `decoder` at `rate`; with `beside_others` and one channel of several read
    /// ([`Decoder::with_channel`]), the other channels' mean too.
    pub fn new(decoder: Decoder, rate: u32, beside_others: bool) -> Self {
        let in_rate = decoder.info().sample_rate;
        let others = (beside_others && decoder.reads_one_of_several()).then(|| Others {
            stream: MonoStream::new(in_rate, rate),
            decoded: Vec::new(),
        });
        Self {
            decoder,
            stream: MonoStream::new(in_rate, rate),
            others,
            flushed: false,
        }
    }

    /// Appends the next stretch to `out`, and the other channels' over it to `others` when
    /// they are read ([`Self::has_others`]; `others` is left alone otherwise). Returns `false`
    /// once the recording has ended, with the resamplers' last samples appended by that call.
    pub fn next(&mut self, out: &mut Vec<f32>, others: &mut Vec<f32>) -> Result<bool> {
        match self.decoder.next_mono()? {
            Some(chunk) => {
                self.stream.push(chunk, out);
                if let Some(o) = &mut self.others {
                    self.decoder.others(&mut o.decoded);
                    o.stream.push(&o.decoded, others);
                }
                Ok(true)
            }
            None => {
                self.finish(out, others);
                Ok(false)
            }
        }
    }

    /// Appends what the resamplers still hold, for a reader that stops before the end (once
    /// only: later calls append nothing).
    pub fn finish(&mut self, out: &mut Vec<f32>, others: &mut Vec<f32>) {
        if std::mem::replace(&mut self.flushed, true) {
            return;
        }
        self.stream.finish(out);
        if let Some(o) = &mut self.others {
            o.stream.finish(others);
        }
    }

    /// Whether the other channels are read beside the channel.
    pub fn has_others(&self) -> bool {
        self.others.is_some()
    }

    /// The decoder: its name, source information and frames decoded so far.
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }
}
