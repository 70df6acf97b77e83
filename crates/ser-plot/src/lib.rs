//! Pictures for `ser`: what people would rather look at than read.
//!
//! Spectrograms are rendered as PNG images with the perceptually uniform *magma* colour map
//! (dark = quiet, bright = loud), time running right and low frequencies at the bottom.
//! Charts (confusion matrices, training curves, reliability diagrams, emotion timelines) are SVG written directly, so their text stays
//! text and needs no fonts; [`svg_to_png`] rasterises any of them.
//!
//! ```
//! let labels = vec!["angry".to_string(), "sad".to_string()];
//! let svg = ser_plot::confusion_svg(&labels, &[vec![9, 1], vec![2, 8]], "two emotions");
//! assert!(svg.starts_with("<svg") && svg.contains("angry"));
//! let png = ser_plot::svg_to_png(&svg)?; // the same chart as a PNG image
//! assert!(png.starts_with(b"\x89PNG"));
//! # Ok::<(), String>(())
//! ```

mod raster;
mod reliability;
mod spectrogram;
mod svg;
mod timeline;

pub use image::ImageFormat;
pub use raster::svg_to_png;
pub use reliability::{reliability_svg, ReliabilityBar};
pub use spectrogram::{spectrogram_image, SpectrogramStyle};
pub use svg::{confusion_svg, line_chart_svg, Series};
pub use timeline::{label_colour, timeline_svg, TimelineBand, LABEL_PALETTE};
