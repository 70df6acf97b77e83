//! SVG charts as PNG images, for people who want a picture file rather than a vector one.
//! Text is drawn with the system's fonts (DejaVu or Liberation on Debian); without any fonts
//! installed the picture is still drawn, without its text.

use std::sync::OnceLock;

use resvg::{tiny_skia, usvg};

fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut opt = usvg::Options::default();
        let db = opt.fontdb_mut();
        db.load_system_fonts();
        // Our charts ask for "sans-serif", which usvg maps to Arial: use a sans-serif face this
        // system has instead (Debian's DejaVu or Liberation), else whatever face there is.
        let families: Vec<String> = db
            .faces()
            .flat_map(|f| f.families.iter().map(|(name, _)| name.clone()))
            .collect();
        let preferred = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial"];
        let family = preferred
            .iter()
            .find(|p| families.iter().any(|f| f == *p))
            .map(|p| p.to_string())
            .or_else(|| families.first().cloned());
        if let Some(family) = family {
            db.set_sans_serif_family(family.clone());
            opt.font_family = family;
        }
        opt
    })
}

/// Renders an SVG document (as this crate writes them) to PNG bytes at its own size.
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>, String> {
    let tree = usvg::Tree::from_str(svg, options()).map_err(|e| format!("bad SVG: {e}"))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| format!("cannot draw a {}×{} image", size.width(), size.height()))?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_becomes_a_png_of_its_size() {
        let svg = crate::confusion_svg(
            &["a".to_string(), "b".to_string()],
            &[vec![3, 1], vec![0, 4]],
            "test",
        );
        let png = svg_to_png(&svg).unwrap();
        let img = image::load_from_memory(&png).unwrap();
        assert!(img.width() > 100 && img.height() > 100);
        // Not blank: the cells are shaded.
        let rgb = img.to_rgb8();
        assert!(rgb.pixels().any(|p| p.0 != [255, 255, 255]));
        assert!(svg_to_png("not svg").is_err());
    }
}
