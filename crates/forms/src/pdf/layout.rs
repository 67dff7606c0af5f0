//! Page layout: paragraphs, two-column blocks, tables and signature blocks placed on pages, as a
//! list of drawing operations per page.
//!
//! Layout is separate from PDF writing so that pagination is plain data to test. Coordinates are
//! points from the top-left corner of the page, y downwards (krilla's convention). Everything
//! breaks across pages: paragraphs between lines, tables between rows (the header row repeated)
//! and inside a row taller than a page. A page limit stops runaway input with an error instead of
//! a document of ten thousand pages.

use super::wrap::{Line, Measure, wrap};
use crate::template::{Face, Span};

/// Page size and margins, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Geometry {
    pub(crate) width: f32,
    pub(crate) height: f32,
    pub(crate) left: f32,
    pub(crate) right: f32,
    pub(crate) top: f32,
    pub(crate) bottom: f32,
}

const MM: f32 = 72.0 / 25.4;

impl Geometry {
    /// A5 portrait (Forms 01–05).
    pub(crate) const A5: Self = Self {
        width: 148.0 * MM,
        height: 210.0 * MM,
        left: 15.0 * MM,
        right: 10.0 * MM,
        top: 8.0 * MM,
        bottom: 9.0 * MM,
    };

    /// A4 landscape (Form 06).
    pub(crate) const A4_LANDSCAPE: Self = Self {
        width: 297.0 * MM,
        height: 210.0 * MM,
        left: 15.0 * MM,
        right: 10.0 * MM,
        top: 10.0 * MM,
        bottom: 12.0 * MM,
    };

    pub(crate) fn content_width(&self) -> f32 {
        self.width - self.left - self.right
    }
}

/// A drawing operation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    /// Text starting at (x, baseline y).
    Text {
        x: f32,
        y: f32,
        face: Face,
        size: f32,
        text: String,
    },
    /// A stroked line.
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    /// A filled rectangle (QR modules).
    Fill { x: f32, y: f32, w: f32, h: f32 },
}

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
}

/// How a paragraph is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub(crate) size: f32,
    pub(crate) align: Align,
    /// Left indent of every line.
    pub(crate) indent: f32,
    /// Space after the paragraph.
    pub(crate) after: f32,
}

impl Style {
    pub(crate) const fn new(size: f32) -> Self {
        Self {
            size,
            align: Align::Left,
            indent: 0.0,
            after: 1.5,
        }
    }

    pub(crate) const fn center(self) -> Self {
        Self {
            align: Align::Center,
            ..self
        }
    }

    pub(crate) const fn indent(self, indent: f32) -> Self {
        Self { indent, ..self }
    }

    pub(crate) const fn after(self, after: f32) -> Self {
        Self { after, ..self }
    }
}

/// Line height as a multiple of the size.
const LEADING: f32 = 1.2;
/// Distance from the top of a line box to the baseline, as a multiple of the size.
const ASCENT: f32 = 0.92;
/// Cell padding in tables.
const PAD_X: f32 = 3.0;
const PAD_Y: f32 = 2.0;
/// Thin rules.
const RULE: f32 = 0.5;

/// The most pages one document may have.
pub(crate) const MAX_PAGES: usize = 400;

/// A table column: its share of the width and how its cells align.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Column {
    pub(crate) share: f32,
    pub(crate) align: Align,
}

/// A signature block: caption, hint, room to sign, name.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Signature {
    pub(crate) caption: Vec<Span>,
    pub(crate) hint: Vec<Span>,
    pub(crate) name: String,
}

/// A document being laid out.
pub(crate) struct Doc<'m, M: Measure> {
    m: &'m M,
    pub(crate) geo: Geometry,
    pages: Vec<Vec<Op>>,
    /// Top of the free space on the current page.
    y: f32,
    /// Set when the page limit was reached; everything after is dropped.
    overflow: bool,
    /// A box floating at the right of the current page (the QR code): its left edge and bottom.
    /// Paragraphs starting beside it are set narrower.
    float: Option<(f32, f32)>,
}

impl<'m, M: Measure> Doc<'m, M> {
    pub(crate) fn new(m: &'m M, geo: Geometry) -> Self {
        Self {
            m,
            geo,
            pages: vec![Vec::new()],
            y: geo.top,
            overflow: false,
            float: None,
        }
    }

    fn bottom(&self) -> f32 {
        self.geo.height - self.geo.bottom
    }

    fn page_is_empty(&self) -> bool {
        self.pages.last().is_none_or(Vec::is_empty)
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page (no-op once the limit is reached).
    pub(crate) fn new_page(&mut self) {
        if self.pages.len() >= MAX_PAGES {
            self.overflow = true;
            return;
        }
        self.pages.push(Vec::new());
        self.y = self.geo.top;
        self.float = None;
    }

    /// Reserves a box of `width` × `height` at the right margin, from the cursor down; returns
    /// its top-left corner. Paragraphs that start beside it wrap to its left.
    pub(crate) fn float_right(&mut self, width: f32, height: f32) -> (f32, f32) {
        self.keep(height);
        let x = self.geo.width - self.geo.right - width;
        self.float = Some((x, self.y + height));
        (x, self.y)
    }

    /// Moves the cursor below the floating box, if any (before tables and full-width blocks).
    pub(crate) fn clear_float(&mut self) {
        if let Some((_, bottom)) = self.float.take() {
            self.y = self.y.max(bottom);
        }
    }

    /// Moves to a new page unless `h` fits below the cursor or the page is still empty.
    pub(crate) fn keep(&mut self, h: f32) {
        if self.y + h > self.bottom() && !self.page_is_empty() {
            self.new_page();
        }
    }

    pub(crate) fn space(&mut self, dy: f32) {
        self.y += dy;
    }

    pub(crate) fn y(&self) -> f32 {
        self.y
    }

    pub(crate) fn line_height(size: f32) -> f32 {
        size * LEADING
    }

    pub(crate) fn wrap(&self, spans: &[Span], size: f32, width: f32) -> Vec<Line> {
        wrap(spans, size, width, self.m)
    }

    /// Height of a paragraph set at `width`.
    pub(crate) fn measure(&self, spans: &[Span], style: Style, width: f32) -> f32 {
        let n = self.wrap(spans, style.size, width - style.indent).len();
        n as f32 * Self::line_height(style.size) + style.after
    }

    fn text_line(&mut self, line: &Line, x: f32, width: f32, top: f32, style: Style) {
        let x0 = match style.align {
            Align::Left => x,
            Align::Center => x + (width - line.width) / 2.0,
        };
        let baseline = top + style.size * ASCENT;
        let mut cx = x0;
        let size = style.size;
        let mut ops = Vec::with_capacity(line.spans.len());
        for span in &line.spans {
            let w = self.m.width(span.face, size, &span.text);
            if !span.text.trim().is_empty() {
                ops.push(Op::Text {
                    x: cx,
                    y: baseline,
                    face: span.face,
                    size,
                    text: span.text.clone(),
                });
            }
            cx += w;
        }
        self.ops().extend(ops);
    }

    /// A paragraph across the content width, breaking across pages between lines.
    pub(crate) fn paragraph(&mut self, spans: &[Span], style: Style) {
        let x = self.geo.left + style.indent;
        let mut width = self.geo.content_width() - style.indent;
        match self.float {
            Some((fx, bottom)) if self.y < bottom => width = fx - 8.0 - x,
            Some(_) => self.float = None,
            None => {}
        }
        let lh = Self::line_height(style.size);
        for line in self.wrap(spans, style.size, width) {
            if self.overflow {
                return;
            }
            self.keep(lh);
            self.text_line(&line, x, width, self.y, style);
            self.y += lh;
        }
        self.y += style.after;
    }

    /// Paragraphs in a box at (x, top) without page breaks (header columns, the block beside a
    /// QR code, signatures); returns the height used. The cursor does not move.
    pub(crate) fn block_at(
        &mut self,
        x: f32,
        top: f32,
        width: f32,
        paras: &[(Vec<Span>, Style)],
    ) -> f32 {
        let mut y = top;
        for (spans, style) in paras {
            let lh = Self::line_height(style.size);
            for line in self.wrap(spans, style.size, width - style.indent) {
                self.text_line(&line, x + style.indent, width - style.indent, y, *style);
                y += lh;
            }
            y += style.after;
        }
        y - top
    }

    /// A horizontal rule centred in a box.
    pub(crate) fn rule_at(&mut self, cx: f32, y: f32, length: f32) {
        self.ops().push(Op::Line {
            x1: cx - length / 2.0,
            y1: y,
            x2: cx + length / 2.0,
            y2: y,
            width: RULE,
        });
    }

    /// Filled rectangles, e.g. a QR code's modules.
    pub(crate) fn fills(&mut self, rects: impl IntoIterator<Item = (f32, f32, f32, f32)>) {
        let ops = rects
            .into_iter()
            .map(|(x, y, w, h)| Op::Fill { x, y, w, h });
        self.ops().extend(ops);
    }

    /// Moves the cursor to `y` if that is further down.
    pub(crate) fn advance_to(&mut self, y: f32) {
        self.y = self.y.max(y);
    }

    /// A table with a header row repeated on every page; rows taller than the free space move
    /// to the next page, rows taller than a page are split between lines.
    pub(crate) fn table(
        &mut self,
        columns: &[Column],
        header: &[Vec<Span>],
        rows: &[Vec<Vec<Span>>],
        size: f32,
    ) {
        self.clear_float();
        let total: f32 = columns.iter().map(|c| c.share).sum();
        let total = if total > 0.0 { total } else { 1.0 };
        let full = self.geo.content_width();
        let widths: Vec<f32> = columns.iter().map(|c| c.share / total * full).collect();
        let lh = Self::line_height(size);
        let cells = |doc: &Self, row: &[Vec<Span>]| -> Vec<Vec<Line>> {
            widths
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let spans = row.get(i).map(Vec::as_slice).unwrap_or(&[]);
                    doc.wrap(spans, size, w - 2.0 * PAD_X)
                })
                .collect()
        };
        let head = cells(self, header);
        let head_lines = head.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let head_h = head_lines as f32 * lh + 2.0 * PAD_Y;
        let center: Vec<Align> = vec![Align::Center; columns.len()];
        let aligns: Vec<Align> = columns.iter().map(|c| c.align).collect();

        // The header and one line of the first row stay together.
        self.keep(head_h + lh + 2.0 * PAD_Y);
        self.row_chunk(&widths, &center, &head, 0, head_lines, size);
        let capacity = ((self.bottom() - self.geo.top - head_h - 2.0 * PAD_Y) / lh).floor();
        for row in rows {
            let lines = cells(self, row);
            let n = lines.iter().map(Vec::len).max().unwrap_or(0).max(1);
            let mut start = 0;
            while start < n {
                if self.overflow {
                    return;
                }
                let free = ((self.bottom() - self.y - 2.0 * PAD_Y) / lh).floor();
                let left = (n - start) as f32;
                // Move a row that would fit on a fresh page instead of splitting it.
                let fits_fresh = start == 0 && left <= capacity;
                if free < 1.0 || (fits_fresh && left > free) {
                    self.new_page();
                    if self.overflow {
                        return;
                    }
                    self.row_chunk(&widths, &center, &head, 0, head_lines, size);
                    let free = ((self.bottom() - self.y - 2.0 * PAD_Y) / lh).floor();
                    let take = (free.max(1.0) as usize).min(n - start);
                    self.row_chunk(&widths, &aligns, &lines, start, start + take, size);
                    start += take;
                    continue;
                }
                let take = (free as usize).min(n - start);
                self.row_chunk(&widths, &aligns, &lines, start, start + take, size);
                start += take;
            }
        }
    }

    /// Lines `from..to` of each cell as one band of the table, with its borders.
    fn row_chunk(
        &mut self,
        widths: &[f32],
        aligns: &[Align],
        cells: &[Vec<Line>],
        from: usize,
        to: usize,
        size: f32,
    ) {
        let lh = Self::line_height(size);
        let top = self.y;
        let h = (to - from) as f32 * lh + 2.0 * PAD_Y;
        let mut x = self.geo.left;
        for (i, w) in widths.iter().enumerate() {
            let style = Style {
                size,
                align: aligns.get(i).copied().unwrap_or(Align::Left),
                indent: 0.0,
                after: 0.0,
            };
            let lines = cells.get(i).map(Vec::as_slice).unwrap_or(&[]);
            for (k, line) in lines.iter().enumerate().take(to).skip(from) {
                let y = top + PAD_Y + (k - from) as f32 * lh;
                self.text_line(line, x + PAD_X, w - 2.0 * PAD_X, y, style);
            }
            x += w;
        }
        let right = x;
        let mut edges = vec![self.geo.left];
        let mut acc = self.geo.left;
        for w in widths {
            acc += w;
            edges.push(acc);
        }
        let ops = self.ops();
        for y in [top, top + h] {
            ops.push(Op::Line {
                x1: edges[0],
                y1: y,
                x2: right,
                y2: y,
                width: RULE,
            });
        }
        for ex in edges {
            ops.push(Op::Line {
                x1: ex,
                y1: top,
                x2: ex,
                y2: top + h,
                width: RULE,
            });
        }
        self.y = top + h;
    }

    /// Signature blocks side by side, kept together on one page.
    pub(crate) fn signatures(&mut self, blocks: &[Signature], size: f32, room: f32) {
        if blocks.is_empty() {
            return;
        }
        self.clear_float();
        let w = self.geo.content_width() / blocks.len() as f32;
        let cap = Style::new(size).center().after(0.0);
        let hint = Style::new(size - 1.0).center().after(0.0);
        let name_style = Style::new(size).center().after(0.0);
        let names: Vec<Vec<Span>> = blocks
            .iter()
            .map(|b| vec![Span::new(b.name.clone(), Face::Bold)])
            .collect();
        let height = blocks
            .iter()
            .zip(&names)
            .map(|(b, n)| {
                self.measure(&b.caption, cap, w)
                    + self.measure(&b.hint, hint, w)
                    + room
                    + self.measure(n, name_style, w)
            })
            .fold(0.0, f32::max);
        self.keep(height);
        let top = self.y;
        for (i, (b, n)) in blocks.iter().zip(&names).enumerate() {
            let x = self.geo.left + i as f32 * w;
            let h = self.block_at(
                x,
                top,
                w,
                &[(b.caption.clone(), cap), (b.hint.clone(), hint)],
            );
            self.block_at(x, top + h + room, w, &[(n.clone(), name_style)]);
        }
        self.y = top + height;
    }

    /// The pages, with "page x of n" footers when there is more than one; `Err` when the page
    /// limit was reached.
    pub(crate) fn finish(
        mut self,
        footer: impl Fn(usize, usize) -> Vec<Span>,
    ) -> Result<Vec<Vec<Op>>, usize> {
        if self.overflow {
            return Err(MAX_PAGES);
        }
        let n = self.pages.len();
        if n > 1 {
            let size = 8.5;
            let width = self.geo.content_width();
            let y = self.geo.height - self.geo.bottom / 2.0 - size * 0.3;
            for i in 0..n {
                let spans = footer(i + 1, n);
                if let Some(line) = self.wrap(&spans, size, width).into_iter().next() {
                    self.pages_push_line(i, &line, width, y, size);
                }
            }
        }
        Ok(self.pages)
    }

    fn pages_push_line(&mut self, i: usize, line: &Line, width: f32, baseline: f32, size: f32) {
        let x = self.geo.left + (width - line.width) / 2.0;
        let mut cx = x;
        for span in &line.spans {
            let w = self.m.width(span.face, size, &span.text);
            self.pages[i].push(Op::Text {
                x: cx,
                y: baseline,
                face: span.face,
                size,
                text: span.text.clone(),
            });
            cx += w;
        }
    }

    /// Pages so far (tests).
    #[cfg(test)]
    pub(crate) fn page_count(&self) -> usize {
        self.pages.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::wrap::tests::Mono;

    /// A 100 × 100 page with 10-point margins: 80 wide, text from y = 10 to 90.
    const SMALL: Geometry = Geometry {
        width: 100.0,
        height: 100.0,
        left: 10.0,
        right: 10.0,
        top: 10.0,
        bottom: 10.0,
    };

    fn texts(page: &[Op]) -> Vec<String> {
        page.iter()
            .filter_map(|op| match op {
                Op::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    fn no_footer(_: usize, _: usize) -> Vec<Span> {
        Vec::new()
    }

    #[test]
    fn paragraphs_break_across_pages_between_lines() {
        let mut doc = Doc::new(&Mono, SMALL);
        // 10-point lines are 12.2 high: 6 fit in 80 points.
        let text: Vec<String> = (0..15).map(|i| format!("line{i:02}")).collect();
        doc.paragraph(
            &[Span::new(text.join("\n"), Face::Regular)],
            Style::new(10.0),
        );
        let pages = doc.finish(no_footer).unwrap();
        assert_eq!(pages.len(), 3);
        assert_eq!(texts(&pages[0]).len(), 6);
        assert_eq!(texts(&pages[2]), ["line12", "line13", "line14"]);
        for page in &pages {
            for op in page {
                if let Op::Text { y, .. } = op {
                    assert!(*y <= 90.0, "baseline {y} below the margin");
                }
            }
        }
    }

    #[test]
    fn table_rows_move_whole_and_the_header_repeats() {
        let mut doc = Doc::new(&Mono, SMALL);
        let cols = [
            Column {
                share: 1.0,
                align: Align::Left,
            },
            Column {
                share: 3.0,
                align: Align::Left,
            },
        ];
        let header = vec![
            vec![Span::new("n", Face::Regular)],
            vec![Span::new("name", Face::Regular)],
        ];
        let rows: Vec<Vec<Vec<Span>>> = (0..20)
            .map(|i| {
                vec![
                    vec![Span::new(i.to_string(), Face::Regular)],
                    vec![Span::new(format!("r{i}"), Face::Regular)],
                ]
            })
            .collect();
        doc.table(&cols, &header, &rows, 5.0);
        let pages = doc.finish(no_footer).unwrap();
        assert!(pages.len() > 1);
        for page in &pages {
            assert_eq!(texts(page).first().map(String::as_str), Some("n"));
        }
        let all: Vec<String> = pages.iter().flat_map(|p| texts(p)).collect();
        for i in 0..20 {
            assert_eq!(all.iter().filter(|t| **t == format!("r{i}")).count(), 1);
        }
    }

    #[test]
    fn a_row_taller_than_a_page_is_split_not_lost() {
        let mut doc = Doc::new(&Mono, SMALL);
        let cols = [Column {
            share: 1.0,
            align: Align::Left,
        }];
        let long: Vec<String> = (0..40).map(|i| format!("w{i:02}")).collect();
        let rows = vec![vec![vec![Span::new(long.join("\n"), Face::Regular)]]];
        doc.table(&cols, &[vec![Span::new("h", Face::Regular)]], &rows, 5.0);
        let pages = doc.finish(no_footer).unwrap();
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let all: Vec<String> = pages.iter().flat_map(|p| texts(p)).collect();
        assert_eq!(all.iter().filter(|t| t.starts_with('w')).count(), 40);
    }

    #[test]
    fn runaway_input_hits_the_page_limit_instead_of_looping() {
        let mut doc = Doc::new(&Mono, SMALL);
        let text = "x\n".repeat(MAX_PAGES * 10);
        doc.paragraph(&[Span::new(text, Face::Regular)], Style::new(10.0));
        assert_eq!(doc.page_count(), MAX_PAGES);
        assert_eq!(doc.finish(no_footer).unwrap_err(), MAX_PAGES);
    }

    #[test]
    fn a_header_taller_than_the_page_still_makes_progress() {
        let mut doc = Doc::new(&Mono, SMALL);
        let cols = [Column {
            share: 1.0,
            align: Align::Left,
        }];
        let header = vec![vec![Span::new("h\n".repeat(30), Face::Regular)]];
        let rows = vec![vec![vec![Span::new("a\nb\nc", Face::Regular)]]; 3];
        doc.table(&cols, &header, &rows, 5.0);
        let pages = doc.finish(no_footer).unwrap();
        let all: Vec<String> = pages.iter().flat_map(|p| texts(p)).collect();
        assert_eq!(all.iter().filter(|t| *t == "c").count(), 3);
    }

    #[test]
    fn footers_number_the_pages() {
        let mut doc = Doc::new(&Mono, SMALL);
        doc.paragraph(
            &[Span::new("a\n".repeat(10), Face::Regular)],
            Style::new(10.0),
        );
        let pages = doc
            .finish(|i, n| vec![Span::new(format!("{i}/{n}"), Face::Regular)])
            .unwrap();
        assert_eq!(pages.len(), 2);
        assert_eq!(texts(&pages[1]).last().map(String::as_str), Some("2/2"));
    }
}
