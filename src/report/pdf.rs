//! A [`Document`] as a paginated PDF: typst, used as a library, lays it out with the template in
//! `assets/report/page.typ` (tables that run over pages with their header repeated, headings
//! kept with what follows, page numbers) and writes the PDF with DejaVu Sans embedded. No other
//! program and no system font is needed.

use typst::foundations::{Bytes, Dict, IntoValue};
use typst::text::Font;
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use super::document::Document;

/// The page layout.
const TEMPLATE: &str = include_str!("../../assets/report/page.typ");
/// The fonts: the charts' face and its bold for headings.
const FONTS: [&[u8]; 2] = [
    include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf"),
];

/// Rows of a list shown in print before "and K more".
pub const LIST_ROWS: usize = 50;

/// Why no PDF was made: the layout failed (a defect of the template, never of the data).
#[derive(Debug, thiserror::Error)]
#[error("the PDF could not be laid out: {0}")]
pub struct PdfError(String);

/// The PDF of `doc`, its lists capped at [`LIST_ROWS`]; `author` is written in its metadata.
/// A character the fonts cannot draw (a script they lack, an emoji, a control picture) is
/// written as `⟨U+XXXX⟩` (a control character's stand-in as the control's own code), in the
/// charts too, never left out. The same document gives the same bytes (no timestamp is
/// written).
pub fn render(doc: Document, author: &str) -> Result<Vec<u8>, PdfError> {
    let mut capped = doc.capped(LIST_ROWS);
    // Parsed once, from the static bytes (not copied): their coverage here, the layout below.
    let fonts: Vec<Font> = FONTS
        .iter()
        .map(|data| {
            Font::new(Bytes::new(*data), 0).ok_or_else(|| PdfError("a bundled font".into()))
        })
        .collect::<Result<_, _>>()?;
    let drawable =
        |c: char| c.is_whitespace() || fonts.iter().all(|f| f.info().coverage.contains(c as u32));
    capped.each_text(true, &mut |text| {
        if !text.chars().all(drawable) {
            *text = text.chars().map(|c| stand_in(c, drawable(c))).collect();
        }
    });
    let json = serde_json::to_string(&capped).map_err(|e| PdfError(e.to_string()))?;
    let mut inputs = Dict::new();
    inputs.insert("doc".into(), json.into_value());
    inputs.insert("author".into(), author.into_value());
    let engine = TypstEngine::builder()
        .main_file(TEMPLATE)
        .fonts(fonts)
        .build();
    let laid_out: PagedDocument = engine
        .compile_with_input(inputs)
        .output
        .map_err(|e| PdfError(e.to_string()))?;
    let options = PdfOptions {
        creator: typst::foundations::Smart::Custom(Some(format!(
            "dissent {}",
            env!("CARGO_PKG_VERSION")
        ))),
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&laid_out, &options).map_err(|e| PdfError(format!("{e:?}")))
}

/// `c` as print shows it: itself when the fonts draw it, else its code.
fn stand_in(c: char, drawable: bool) -> String {
    let code = c as u32;
    match c {
        _ if drawable => c.to_string(),
        // A control picture (`inert`'s stand-in) names the control it stands for.
        '\u{2400}'..='\u{241f}' => format!("⟨U+{:04X}⟩", code - 0x2400),
        '\u{2421}' => "⟨U+007F⟩".into(),
        _ => format!("⟨U+{code:04X}⟩"),
    }
}

#[cfg(test)]
mod tests {
    use super::render;
    use crate::report::document::{Block, Document};

    #[test]
    fn the_same_document_gives_the_same_bytes() {
        let doc = Document {
            title: "QA report · batch b".into(),
            blocks: vec![Block::Note {
                text: "a note".into(),
            }],
        };
        let first = render(doc.clone(), "qa").expect("pdf");
        assert!(first.starts_with(b"%PDF-"));
        assert_eq!(first, render(doc, "qa").expect("pdf"));
    }
}
