"""A Shorten encoder for test fixtures: writes the streams that ser's decoder
(crates/ser-audio/src/shorten) must read back exactly, from the format's definition (Tony
Robinson's shorten 2.x/3.x, as FFmpeg's decoder reads it). Each block of each channel is coded
with whichever of the format's predictors leaves the smallest residuals: silence (`ZERO`), the
running mean (`DIFF0`), the fixed polynomials `DIFF1`-`DIFF3` and a quantised linear predictor
(`QLPC`, fitted by least squares); low bits that are zero throughout a block are shifted out
(`BITSHIFT`), and the last, shorter block is announced (`BLOCKSIZE`). µ-law bytes are coded
either as their 13-bit linear values (`ulaw`, Shorten's type 7) or, as LDC's SPHERE files hold
them, as ranks that leave the low bits of a block's quietest bytes zero (`au2`, type 8: the
mapping of Shorten's `mkbshift`, computed here). make_fixtures.py checks every `.shn` it writes
against FFmpeg's decoder (which reads the integer types) before keeping it.
"""
import numpy as np

TYPES = {"s8": 1, "u8": 2, "s16hl": 3, "s16lh": 5, "ulaw": 7, "au2": 8}
MIDDLE = {"u8": 0x80}
FIXED = [[], [1], [2, -1], [3, -3, 1]]
DIFF0, QUIT, BLOCKSIZE, BITSHIFT, QLPC, ZERO, VERBATIM = 0, 4, 5, 6, 7, 8, 9
LPCQUANT = 5


def cdiv(a, b):
    """C's integer division (toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


class Bits:
    def __init__(self):
        self.bits = []

    def put(self, value, n):
        self.bits.extend((value >> (n - 1 - i)) & 1 for i in range(n))

    def uvar(self, value, k):
        assert value >= 0
        self.bits.extend([0] * (value >> k) + [1])
        self.put(value & ((1 << k) - 1), k)

    def svar(self, value, k):
        self.uvar(value << 1 if value >= 0 else ((-value - 1) << 1) | 1, k + 1)

    def ulong(self, value):
        self.uvar(value.bit_length(), 2)
        self.uvar(value, value.bit_length())

    def bytes(self):
        bits = self.bits + [0] * (-len(self.bits) % 8)
        return bytes(int("".join(map(str, bits[i:i + 8])), 2) for i in range(0, len(bits), 8))


def svar_bits(residuals, k):
    folded = np.where(residuals >= 0, residuals << 1, ((-residuals - 1) << 1) | 1)
    return int(np.sum(folded >> (k + 1))) + len(residuals) * (k + 2)


def mu_law_to_linear(byte):
    """G.711 µ-law's 16-bit value of a byte (Sun's g711.c)."""
    u = ~byte & 0xff
    t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4)
    return 0x84 - t if u & 0x80 else t - 0x84


def linear_to_mu_law(x):
    """G.711 µ-law's byte for a 16-bit value (Sun's g711.c)."""
    magnitude, mask = (-(x >> 2), 0x7f) if x < 0 else (x >> 2, 0xff)
    biased = min(magnitude, 8159) + 33
    segment = next((s for s in range(8) if biased < 0x40 << s), 8)
    if segment >= 8:
        return 0x7f ^ mask
    return ((segment << 4) | ((biased >> (segment + 1)) & 0x0f)) ^ mask


def mu_law_ranks():
    """Shorten's µ-law ranks (its mkbshift): for each byte, the most low bits its linear value
    can lose (`max_shift`), and per shift the rank of each byte (`inward`): the bytes that keep
    that many zero bits first, counted out from zero on either side, negative zero (0x7f) after
    the negative ones that do."""
    max_shift = [0] * 256
    for shift in range(13):
        for sample in range(-(1 << 15), 1 << 15, 1 << (shift + 3)):
            max_shift[linear_to_mu_law(sample)] = shift
    inward = []
    for shift in range(13):
        rank = [0] * 256
        positive = [b for b in range(255, 127, -1) if max_shift[b] >= shift] + \
                   [b for b in range(255, 127, -1) if max_shift[b] < shift]
        for n, b in enumerate(positive):
            rank[b] = n
        negative = [b for b in range(126, -1, -1) if max_shift[b] >= shift] + [127] + \
                   [b for b in range(126, -1, -1) if max_shift[b] < shift]
        for n, b in enumerate(negative):
            rank[b] = -1 - n
        inward.append(rank)
    return max_shift, inward


MAX_SHIFT, INWARD = mu_law_ranks()


class Encoder:
    def __init__(self, sample_type, channels, version=2, block=256, nmean=4, max_lpc=4):
        self.version, self.channels, self.block, self.nmean = version, channels, block, nmean
        self.wrap = max(3, max_lpc)
        self.max_lpc = max_lpc
        self.out = Bits()
        for byte in b"ajkg" + bytes([version]):
            self.out.put(byte, 8)
        for value in (TYPES[sample_type], channels, block, max_lpc, nmean, 0):
            self.out.ulong(value)
        middle = MIDDLE.get(sample_type, 0)
        self.au2 = sample_type == "au2"
        self.means = [[middle] * max(1, nmean) for _ in range(channels)]
        self.history = [[0] * self.wrap for _ in range(channels)]
        self.shift = 0

    def verbatim(self, data):
        self.out.uvar(VERBATIM, 2)
        self.out.uvar(len(data), 5)
        for byte in data:
            self.out.uvar(byte, 8)

    def offset(self, ch):
        if self.nmean == 0:
            return self.means[ch][0]
        rounding = self.nmean // 2 if self.version > 1 else 0
        mean = cdiv(rounding + sum(self.means[ch]), self.nmean)
        return mean >> self.shift if self.version > 1 else mean

    def candidates(self, x, past, offset):
        """(command, extra header fields, residuals) of each predictor for block x."""
        n = len(x)
        full = np.concatenate([past, x]).astype(np.int64)
        w = len(past)
        yield DIFF0, [], x - offset
        for order in (1, 2, 3):
            pred = sum(c * full[w - j - 1:w - j - 1 + n] for j, c in enumerate(FIXED[order]))
            yield order, [], x - pred
        for order in range(1, self.max_lpc + 1):
            lagged = np.stack([full[w - j - 1:w - j - 1 + n] - offset for j in range(order)], axis=1)
            coeffs, *_ = np.linalg.lstsq(lagged.astype(float), (x - offset).astype(float), rcond=None)
            q = np.clip(np.round(coeffs * (1 << LPCQUANT)), -500, 500).astype(np.int64)
            rounding = (1 << LPCQUANT) if self.version > 1 else 0
            # The decoder predicts from its own past values, which equal x here.
            pred = (rounding + lagged @ q) >> LPCQUANT
            yield QLPC, list(q), (x - offset) - pred

    def put_block(self, block):
        """One block of every channel: block is (n, channels) of integers."""
        n = len(block)
        if n != self.block:
            self.out.uvar(BLOCKSIZE, 2)
            self.out.ulong(n)
            self.block = n
        for ch in range(self.channels):
            x = block[:, ch].astype(np.int64)
            if self.au2:
                # The ranks at the shift the block's bytes all allow; negative zero is -1, the
                # other negative ranks one lower.
                shift = min(MAX_SHIFT[b] for b in x)
                ranks = [INWARD[shift][b] for b in x]
                x = np.array([r if b > 127 else -1 if b == 127 else r - 1 for b, r in zip(x, ranks)])
                changed = shift != self.shift
            else:
                hashed = int(np.bitwise_or.reduce(x))
                shift = 0 if hashed == 0 else (hashed & -hashed).bit_length() - 1
                changed = hashed != 0 and shift != self.shift
            if changed:
                self.out.uvar(BITSHIFT, 2)
                self.out.uvar(shift, 2)
                self.shift = shift
            if not self.au2:
                x = x >> self.shift
            offset = self.offset(ch)
            if not x.any():
                self.out.uvar(ZERO, 2)
            else:
                past = np.array(self.history[ch], dtype=np.int64)
                command, fields, residuals = min(
                    self.candidates(x, past, offset), key=lambda c: int(np.abs(c[2]).sum()))
                k = min(range(24), key=lambda k: svar_bits(residuals, k))
                self.out.uvar(command, 2)
                self.out.uvar(k, 3)
                if command == QLPC:
                    self.out.uvar(len(fields), 2)
                    for c in fields:
                        self.out.svar(int(c), LPCQUANT)
                for r in residuals:
                    self.out.svar(int(r), k)
            if self.nmean > 0:
                rounding = n // 2 if self.version > 1 else 0
                mean = cdiv(rounding + int(x.sum()), n)
                self.means[ch] = self.means[ch][1:] + [mean << self.shift if self.version > 1 else mean]
            self.history[ch] = (list(self.history[ch]) + list(x))[-self.wrap:]

    def finish(self):
        self.out.uvar(QUIT, 2)
        return self.out.bytes()


def encode(samples, sample_type, header=b"", **options):
    """A Shorten stream of samples ((frames, channels) integers as the type holds them: signed
    16-bit, 0..255 for u8, the 13-bit linear values of µ-law bytes for ulaw, the bytes
    themselves for au2), after `header` verbatim."""
    samples = np.asarray(samples, dtype=np.int64).reshape(len(samples), -1)
    encoder = Encoder(sample_type, samples.shape[1], **options)
    if header:
        encoder.verbatim(header)
    block = encoder.block
    for start in range(0, len(samples), block):
        encoder.put_block(samples[start:start + block])
    return encoder.finish()
