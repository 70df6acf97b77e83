//! A Shorten stream decoded block by block. After the magic `ajkg` and a version byte come the
//! sample type, the channel count, the block length, the largest linear-prediction order, the
//! number of past blocks whose means predict the next one's, and bytes to skip; then commands,
//! each a block of one channel (residuals after one of four fixed polynomial predictors or a
//! quantised linear predictor, or silence) or a change of state (block length, a shift of the
//! samples' unused low bits, bytes kept verbatim, the end). Channels take turns block by block.
//!
//! The arithmetic is that of Shorten 2 and 3 (and of the versions 1 before them), as FFmpeg's
//! decoder, which checks the stream files that `tests/formats.rs` reads, performs it.

use std::collections::VecDeque;
use std::io::{self, Read};

use super::bits::BitReader;
use super::samples::SampleType;
use crate::decode::MAX_CHANNELS;
use crate::header_view::{invalid, unsupported};

/// The magic a Shorten stream starts with.
pub(crate) const MAGIC: &[u8; 4] = b"ajkg";

/// Longest block accepted (FFmpeg's limit; Shorten writes 256).
const MAX_BLOCK: u64 = 65_535;
/// Highest prediction order accepted: Shorten's own limit, which bounds the work per sample a
/// damaged header could ask for.
const MAX_ORDER: u64 = 64;
/// Most past blocks' means accepted (Shorten uses four).
const MAX_MEANS: u64 = 1 << 16;
/// Bytes kept of the stream's verbatim chunks: its source file's header, and more.
const MAX_VERBATIM: usize = 1 << 16;

/// The commands (`FN_*`), as `unsigned(2)`.
mod command {
    pub const DIFF0: u64 = 0;
    pub const DIFF3: u64 = 3;
    pub const QUIT: u64 = 4;
    pub const BLOCK_SIZE: u64 = 5;
    pub const BIT_SHIFT: u64 = 6;
    pub const QLPC: u64 = 7;
    pub const ZERO: u64 = 8;
    pub const VERBATIM: u64 = 9;
}

/// The fixed predictors of `DIFF1` to `DIFF3`: the polynomial through the last 1-3 samples.
const FIXED: [&[i64]; 4] = [&[], &[1], &[2, -1], &[3, -3, 1]];
/// Bits after the point of a quantised predictor's coefficients.
const LPC_QUANT: u32 = 5;

/// A Shorten stream being decoded.
pub(crate) struct Stream<R> {
    bits: BitReader<R>,
    version: u8,
    sample_type: SampleType,
    channels: usize,
    block_len: usize,
    /// Past samples kept in front of each channel's block for prediction.
    wrap: usize,
    bit_shift: u32,
    /// How many past blocks' means predict a channel's next block (0: none; the type's middle
    /// value does).
    mean_blocks: usize,
    /// Per channel: `wrap` past samples, then the block being decoded (room for the longest
    /// block so far).
    history: Vec<Vec<i32>>,
    /// Per channel: the means of its last blocks (at least one entry), and their sum.
    means: Vec<Means>,
    /// Whose block comes next.
    channel: usize,
    coefficients: Vec<i64>,
    /// The last complete block, interleaved.
    block: Vec<i16>,
    verbatim: Vec<u8>,
    /// Whether the stream's end (its `QUIT` command) was read: what follows is not Shorten.
    ended: bool,
}

impl<R: Read> Stream<R> {
    /// Reads a stream's header from its first byte.
    pub(crate) fn open(source: R) -> io::Result<Self> {
        let mut bits = BitReader::new(source);
        let mut magic = [0u8; 4];
        for byte in &mut magic {
            *byte = bits.bits(8)? as u8;
        }
        if &magic != MAGIC {
            return Err(invalid("shorten: no magic".into()));
        }
        let version = bits.bits(8)? as u8;
        if !(1..=3).contains(&version) {
            return Err(unsupported(format!(
                "shorten: version {version} streams are not decoded (versions 1 to 3 are)"
            )));
        }
        let sample_type = SampleType::from_code(bits.long()?)?;
        let channels = bits.long()?;
        if !(1..=MAX_CHANNELS as u64).contains(&channels) {
            return Err(invalid(format!("shorten: {channels} channels")));
        }
        let block_len = bits.long()?;
        if !(1..=MAX_BLOCK).contains(&block_len) {
            return Err(invalid(format!("shorten: blocks of {block_len} samples")));
        }
        let max_order = bits.long()?;
        let means = bits.long()?;
        if max_order > MAX_ORDER || means > MAX_MEANS {
            return Err(invalid(format!(
                "shorten: prediction order {max_order}, means of {means} blocks"
            )));
        }
        for _ in 0..bits.long()? {
            bits.bits(8)?;
        }
        let (channels, block_len) = (channels as usize, block_len as usize);
        let wrap = (max_order as usize).max(3);
        Ok(Self {
            bits,
            version,
            sample_type,
            channels,
            block_len,
            wrap,
            bit_shift: 0,
            mean_blocks: means as usize,
            history: vec![vec![0; wrap + block_len]; channels],
            means: vec![Means::new(sample_type.middle(), (means as usize).max(1)); channels],
            channel: 0,
            coefficients: Vec::with_capacity(wrap),
            block: Vec::new(),
            verbatim: Vec::new(),
            ended: false,
        })
    }

    pub(crate) fn channels(&self) -> usize {
        self.channels
    }

    /// The bytes of the verbatim chunks read so far (the first [`MAX_VERBATIM`]): a `.shn`
    /// file's first chunk is its source file's header.
    pub(crate) fn verbatim(&self) -> &[u8] {
        &self.verbatim
    }

    /// Decodes up to the next complete block, which [`Self::block`] then holds; `false` at the
    /// stream's end and from then on. A stream cut short is `UnexpectedEof`.
    pub(crate) fn next_block(&mut self) -> io::Result<bool> {
        while !self.ended {
            match self.bits.unsigned(2)? {
                command::QUIT => self.ended = true,
                command::BLOCK_SIZE => {
                    let len = self.bits.long()?;
                    if !(1..=MAX_BLOCK).contains(&len) {
                        return Err(invalid(format!("shorten: blocks of {len} samples")));
                    }
                    self.block_len = len as usize;
                    // Grown, never shrunk: a stream that keeps changing its block length costs
                    // no more than one of its longest blocks.
                    for samples in &mut self.history {
                        if samples.len() < self.wrap + self.block_len {
                            samples.resize(self.wrap + self.block_len, 0);
                        }
                    }
                }
                command::BIT_SHIFT => {
                    let shift = self.bits.unsigned(2)?;
                    if shift > 31 {
                        return Err(invalid(format!("shorten: a shift of {shift} bits")));
                    }
                    self.bit_shift = shift as u32;
                }
                command::VERBATIM => {
                    for _ in 0..self.bits.unsigned(5)? {
                        let byte = self.bits.unsigned(8)?;
                        if self.verbatim.len() < MAX_VERBATIM {
                            self.verbatim.push(byte as u8);
                        }
                    }
                }
                audio @ (command::DIFF0..=command::DIFF3 | command::QLPC | command::ZERO) => {
                    self.channel_block(audio)?;
                    self.channel += 1;
                    if self.channel == self.channels {
                        self.channel = 0;
                        return Ok(true);
                    }
                }
                other => return Err(invalid(format!("shorten: unknown command {other}"))),
            }
        }
        Ok(false)
    }

    /// The last block [`Self::next_block`] completed, its channels interleaved.
    pub(crate) fn block(&self) -> &[i16] {
        &self.block
    }

    /// Decodes one channel's block of `command`.
    fn channel_block(&mut self, command: u64) -> io::Result<()> {
        let energy = match command {
            command::ZERO => 0,
            _ => match self.bits.unsigned(3)? {
                k @ 0..=31 => k as u32,
                k => return Err(invalid(format!("shorten: residuals of {k} bits"))),
            },
        };
        let offset = self.offset();
        let (wrap, len, channel) = (self.wrap, self.block_len, self.channel);
        match command {
            command::ZERO => self.history[channel][wrap..wrap + len].fill(0),
            command::QLPC => {
                let order = self.bits.unsigned(2)?;
                if order > wrap as u64 {
                    return Err(invalid(format!("shorten: prediction order {order}")));
                }
                self.coefficients.clear();
                for _ in 0..order {
                    let c = self.bits.signed(LPC_QUANT)?;
                    self.coefficients.push(c);
                }
                // The predictor sees the samples less the running mean.
                let samples = &mut self.history[channel];
                for s in &mut samples[wrap - order as usize..wrap] {
                    *s = s.wrapping_sub(offset);
                }
                let rounding = if self.version > 1 { 1 << LPC_QUANT } else { 0 };
                let coefficients = std::mem::take(&mut self.coefficients);
                self.predict(&coefficients, rounding, LPC_QUANT, energy)?;
                self.coefficients = coefficients;
                for s in &mut self.history[channel][wrap..wrap + len] {
                    *s = s.wrapping_add(offset);
                }
            }
            0 => self.predict(&[], i64::from(offset), 0, energy)?,
            fixed => self.predict(FIXED[fixed as usize], 0, 0, energy)?,
        }
        self.update_means();
        self.put_block();
        // The block's end is the next block's past.
        let samples = &mut self.history[channel];
        samples.copy_within(len..len + wrap, 0);
        Ok(())
    }

    /// Fills the channel's block with `(start + Σ coefficients · past) >> shift` plus the
    /// residuals, coded as `signed(energy)`.
    fn predict(
        &mut self,
        coefficients: &[i64],
        start: i64,
        shift: u32,
        energy: u32,
    ) -> io::Result<()> {
        let samples = &mut self.history[self.channel];
        for i in self.wrap..self.wrap + self.block_len {
            let mut sum = start;
            for (j, c) in coefficients.iter().enumerate() {
                sum += c * i64::from(samples[i - j - 1]);
            }
            let residual = self.bits.signed(energy)?;
            samples[i] = residual.wrapping_add(sum >> shift) as i32;
        }
        Ok(())
    }

    /// What the running means predict for the channel's next block: their mean (rounded, and
    /// without the shifted-out bits, from version 2 on), or the type's middle without means.
    fn offset(&self) -> i32 {
        let means = &self.means[self.channel];
        if self.mean_blocks == 0 {
            return means.first();
        }
        let n = self.mean_blocks as i64;
        let rounding = if self.version > 1 { n / 2 } else { 0 };
        let mean = (rounding + means.sum) / n;
        (if self.version > 1 {
            mean >> self.bit_shift
        } else {
            mean
        }) as i32
    }

    /// Puts the mean of the channel's new block in place of its oldest.
    fn update_means(&mut self) {
        if self.mean_blocks == 0 {
            return;
        }
        let block = &self.history[self.channel][self.wrap..self.wrap + self.block_len];
        let len = block.len() as i64;
        let rounding = if self.version > 1 { len / 2 } else { 0 };
        let mean = ((rounding + block.iter().map(|&s| i64::from(s)).sum::<i64>()) / len) as i32;
        let mean = if self.version > 1 {
            mean.wrapping_shl(self.bit_shift)
        } else {
            mean
        };
        self.means[self.channel].push(mean);
    }

    /// Writes the channel's new block, with its shifted-out bits restored, into its place in the
    /// interleaved block.
    fn put_block(&mut self) {
        let (channels, channel) = (self.channels, self.channel);
        self.block.resize(self.block_len * channels, 0);
        let samples = &self.history[channel][self.wrap..self.wrap + self.block_len];
        for (out, &s) in self.block[channel..]
            .iter_mut()
            .step_by(channels)
            .zip(samples)
        {
            *out = self.sample_type.sample(s, self.bit_shift);
        }
    }
}

/// The means of a channel's last blocks, oldest first, and their sum.
#[derive(Clone)]
struct Means {
    values: VecDeque<i32>,
    sum: i64,
}

impl Means {
    /// `n` means of `value`.
    fn new(value: i32, n: usize) -> Self {
        Self {
            values: VecDeque::from(vec![value; n]),
            sum: i64::from(value) * n as i64,
        }
    }

    fn first(&self) -> i32 {
        self.values[0]
    }

    /// Puts `mean` in place of the oldest.
    fn push(&mut self, mean: i32) {
        let oldest = self.values.pop_front().expect("one mean at least");
        self.values.push_back(mean);
        self.sum += i64::from(mean) - i64::from(oldest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes Shorten's codes, most significant bit first.
    #[derive(Default)]
    struct Codes(Vec<bool>);

    impl Codes {
        fn bits(mut self, value: u64, n: u32) -> Self {
            self.0.extend((0..n).rev().map(|i| value >> i & 1 == 1));
            self
        }
        fn unsigned(mut self, value: u64, k: u32) -> Self {
            self.0.extend((0..value >> k).map(|_| false));
            self.0.push(true);
            self.bits(value & ((1 << k) - 1), k)
        }
        fn signed(self, value: i64, k: u32) -> Self {
            let folded = if value >= 0 {
                value << 1
            } else {
                (-value - 1) << 1 | 1
            };
            self.unsigned(folded as u64, k + 1)
        }
        fn long(self, value: u64) -> Self {
            let k = 64 - value.leading_zeros();
            self.unsigned(u64::from(k), 2).unsigned(value, k)
        }
        /// A header: version 2, `channels` of signed 16-bit, blocks of `block`, no LPC, no means.
        fn header(self, channels: u64, block: u64) -> Self {
            let start = MAGIC
                .iter()
                .fold(self, |c, &b| c.bits(b.into(), 8))
                .bits(2, 8);
            start
                .long(5)
                .long(channels)
                .long(block)
                .long(0)
                .long(0)
                .long(0)
        }
        /// A block of `command` with residuals coded at `energy`.
        fn block(self, command: u64, energy: u64, residuals: &[i64]) -> Self {
            let head = self.unsigned(command, 2).unsigned(energy, 3);
            residuals
                .iter()
                .fold(head, |c, &r| c.signed(r, energy as u32))
        }
        /// The codes as bytes, the last padded with zeros.
        fn bytes(&self) -> io::Cursor<Vec<u8>> {
            let byte = |c: &[bool]| {
                c.iter()
                    .enumerate()
                    .fold(0u8, |b, (i, &bit)| b | u8::from(bit) << (7 - i))
            };
            io::Cursor::new(self.0.chunks(8).map(byte).collect())
        }
        fn stream(self) -> Stream<io::Cursor<Vec<u8>>> {
            Stream::open(self.bytes()).unwrap()
        }
    }

    /// The blocks of a stream to its end.
    fn blocks(mut stream: Stream<io::Cursor<Vec<u8>>>) -> io::Result<Vec<Vec<i16>>> {
        let mut out = Vec::new();
        while stream.next_block()? {
            out.push(stream.block().to_vec());
        }
        Ok(out)
    }

    #[test]
    fn each_command_does_what_the_format_says() {
        let codes = Codes::default()
            .header(1, 4)
            // Residuals about the mean (none kept: zero), then about a line through the past.
            .block(command::DIFF0, 2, &[1, -2, 3, 0])
            .block(1, 1, &[1, 1, 1, 1])
            .block(2, 0, &[0, 0, 0, 0])
            .unsigned(command::ZERO, 2)
            // Verbatim bytes are kept aside; a shift of one bit doubles what follows.
            .unsigned(command::VERBATIM, 2)
            .unsigned(2, 5)
            .unsigned(b'h'.into(), 8)
            .unsigned(b'i'.into(), 8)
            .unsigned(command::BIT_SHIFT, 2)
            .unsigned(1, 2)
            .block(command::DIFF0, 0, &[1, -1, 0, 0])
            // A shorter last block, predicted by 0.5 · the last sample (16/32), rounded.
            .unsigned(command::BLOCK_SIZE, 2)
            .long(2)
            .unsigned(command::QLPC, 2)
            .unsigned(0, 3)
            .unsigned(1, 2)
            .signed(16, LPC_QUANT)
            .signed(0, 0)
            .signed(-1, 0)
            .unsigned(command::QUIT, 2);
        let mut stream = codes.stream();
        let mut got = Vec::new();
        while stream.next_block().unwrap() {
            got.push(stream.block().to_vec());
        }
        assert_eq!(stream.verbatim(), b"hi");
        assert_eq!(
            got,
            [
                vec![1, -2, 3, 0],
                vec![1, 2, 3, 4],
                vec![5, 6, 7, 8],
                vec![0, 0, 0, 0],
                vec![2, -2, 0, 0],
                // Past 0 (shifted 0): (32 + 16·0) >> 5 = 1, +0 → 1; then (32 + 16·1) >> 5 = 1,
                // −1 → 0; doubled by the shift.
                vec![2, 0],
            ]
        );
    }

    #[test]
    fn blocks_shrink_and_grow_back() {
        let codes = Codes::default()
            .header(1, 4)
            .block(command::DIFF0, 2, &[1, 2, 3, 4])
            .unsigned(command::BLOCK_SIZE, 2)
            .long(2)
            .block(1, 1, &[1, 1])
            .unsigned(command::BLOCK_SIZE, 2)
            .long(3)
            .block(1, 1, &[1, 1, 1])
            .unsigned(command::QUIT, 2);
        assert_eq!(
            blocks(codes.stream()).unwrap(),
            [vec![1, 2, 3, 4], vec![5, 6], vec![7, 8, 9]]
        );
    }

    #[test]
    fn channels_take_turns_and_are_interleaved() {
        let codes = Codes::default()
            .header(2, 2)
            .block(command::DIFF0, 1, &[1, 2])
            .block(command::DIFF0, 1, &[-1, -2])
            .unsigned(command::QUIT, 2);
        assert_eq!(blocks(codes.stream()).unwrap(), [vec![1, -1, 2, -2]]);
    }

    #[test]
    fn what_no_stream_holds_is_an_error_that_says_so() {
        let bad = |codes: Codes| blocks(codes.stream()).unwrap_err().to_string();
        assert_eq!(
            bad(Codes::default().header(1, 4).unsigned(12, 2)),
            "shorten: unknown command 12"
        );
        assert_eq!(
            bad(Codes::default()
                .header(1, 4)
                .unsigned(command::DIFF0, 2)
                .unsigned(40, 3)),
            "shorten: residuals of 40 bits"
        );
        assert_eq!(
            bad(Codes::default()
                .header(1, 4)
                .unsigned(command::BLOCK_SIZE, 2)
                .long(0)),
            "shorten: blocks of 0 samples"
        );
        let cut = Codes::default()
            .header(1, 4)
            .block(command::DIFF0, 2, &[1, 2]);
        assert_eq!(
            blocks(cut.stream()).unwrap_err().kind(),
            io::ErrorKind::UnexpectedEof
        );
        let open = |codes: Codes| Stream::open(codes.bytes()).err().unwrap().to_string();
        assert_eq!(open(Codes::default().header(0, 4)), "shorten: 0 channels");
        let version_0 = MAGIC
            .iter()
            .fold(Codes::default(), |c, &b| c.bits(b.into(), 8))
            .bits(0, 8);
        assert!(open(version_0).contains("version 0"));
    }
}
