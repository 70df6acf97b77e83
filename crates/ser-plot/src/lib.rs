//! Pictures for `ser`: what people would rather look at than read.
//!
//! Spectrograms are rendered as PNG images with the perceptually uniform *magma* colour map
//! (dark = quiet, bright = loud), time running right and low frequencies at the bottom.

mod spectrogram;

pub use image::ImageFormat;
pub use spectrogram::{spectrogram_image, SpectrogramStyle};
