//! Spectrogram images.

use image::{Rgb, RgbImage};
use ndarray::ArrayView2;

/// Size of the rendered image.
#[derive(Debug, Clone, Copy)]
pub struct SpectrogramStyle {
    /// Pixels per frame (time step), before the width limit applies.
    pub px_per_frame: u32,
    /// Pixels per frequency band.
    pub px_per_band: u32,
    /// Widest image produced; longer inputs are compressed in time (max over the merged frames).
    pub max_width: u32,
}

impl Default for SpectrogramStyle {
    fn default() -> Self {
        Self {
            px_per_frame: 2,
            px_per_band: 4,
            max_width: 4000,
        }
    }
}

/// Renders a `(bands, frames)` spectrogram (e.g. log-mel dB) as an RGB image. Colours span
/// the array's own min..max; a constant array renders dark.
pub fn spectrogram_image(spec: ArrayView2<f32>, style: &SpectrogramStyle) -> RgbImage {
    let (bands, frames) = spec.dim();
    let (lo, hi) = spec
        .iter()
        .filter(|v| v.is_finite())
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let range = if hi > lo { hi - lo } else { 1.0 };
    let width = (frames as u32 * style.px_per_frame).clamp(1, style.max_width.max(1));
    let height = (bands as u32 * style.px_per_band).max(1);
    let mut img = RgbImage::new(width, height);
    if bands == 0 || frames == 0 {
        return img;
    }
    for x in 0..width {
        // The frames this column covers; a column shows the loudest of them.
        let f0 = (x as usize * frames) / width as usize;
        let f1 = (((x + 1) as usize * frames) / width as usize).max(f0 + 1);
        for band in 0..bands {
            let v = (f0..f1.min(frames))
                .map(|f| spec[[band, f]])
                .fold(f32::NEG_INFINITY, f32::max);
            let t = if v.is_finite() {
                ((v - lo) / range) as f64
            } else {
                0.0
            };
            let c = colorous::MAGMA.eval_continuous(t.clamp(0.0, 1.0));
            let y_top = (bands - 1 - band) as u32 * style.px_per_band;
            for y in y_top..y_top + style.px_per_band {
                img.put_pixel(x, y, Rgb([c.r, c.g, c.b]));
            }
        }
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn low_bands_at_the_bottom_and_loud_is_bright() {
        let mut spec = Array2::<f32>::from_elem((8, 10), -80.0);
        spec.row_mut(0).fill(0.0); // lowest band loud
        let img = spectrogram_image(spec.view(), &SpectrogramStyle::default());
        assert_eq!(img.dimensions(), (20, 32));
        let bottom = img.get_pixel(5, 31);
        let top = img.get_pixel(5, 0);
        let luma = |p: &Rgb<u8>| p.0.iter().map(|&c| c as u32).sum::<u32>();
        assert!(luma(bottom) > luma(top) + 300, "{bottom:?} vs {top:?}");
    }

    #[test]
    fn long_inputs_are_compressed_to_max_width() {
        let spec = Array2::<f32>::zeros((4, 100_000));
        let img = spectrogram_image(spec.view(), &SpectrogramStyle::default());
        assert_eq!(img.width(), 4000);
    }
}
