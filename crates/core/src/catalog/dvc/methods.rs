//! `cach_thuc_thuc_hien`: the channel × time limit × fee × description table.
//!
//! The export glues the cells of each row together: `Trực tuyến` `7 Ngày làm việc`
//! `10,000 Việt Nam Đồng` `(note)` `description`, then the next row. A channel word starts a
//! row only at a *structural* position: at the start of the table, or where it is immediately
//! followed by a time cell and a fee cell (`7 Ngày làm việc` + `Miễn phí`, `1` + `10,000 VNĐ`,
//! `Không có thông tin` + `Miễn phí` ...). Channel words inside descriptions ("Trực tuyến: nộp
//! hồ sơ qua ...", "Trực tiếp tại Bộ phận Một cửa") are therefore not mistaken for new rows,
//! which is what made the export's own `channels_parsed` over-split.

use super::scan::{
    NULL_MARKER, balanced_paren, char_at, cut, digit_run, digits_value, excerpt, from,
    grouped_number, numbers_in, upto,
};
use super::{NoteKind, Notes};
use crate::catalog::{Channel, ExecutionMethod, Fee, ProcessingTime, Section, TimeUnit};

/// The table header the portal renders before the rows.
pub(super) const HEADER: &str = "Hình thức nộpThời gianPhí, lệ phíMô tả";

/// Channel words as the portal writes them.
const CHANNELS: [(&str, Channel); 3] = [
    ("Trực tuyến", Channel::Online),
    ("Trực tiếp", Channel::Direct),
    ("Dịch vụ bưu chính", Channel::Postal),
];

/// Time units as the portal writes them, longest first so "Ngày làm việc" wins over "Ngày".
const UNITS: [(&str, TimeUnit); 5] = [
    ("Ngày làm việc", TimeUnit::WorkingDays),
    ("Giờ làm việc", TimeUnit::WorkingHours),
    ("Ngày", TimeUnit::CalendarDays),
    ("Giờ", TimeUnit::WorkingHours),
    ("Tháng", TimeUnit::Months),
];

/// The portal's "free" fee cell.
const FREE: &str = "Miễn phí";

/// A free-text time cell is only accepted when a fee cell follows within this many bytes.
const FREE_TIME_MAX_BYTES: usize = 400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Currency {
    Vnd,
    Usd,
}

/// Currency words, longest first.
const CURRENCIES: [(&str, Currency); 6] = [
    ("Việt Nam Đồng", Currency::Vnd),
    ("VNĐ", Currency::Vnd),
    ("VND", Currency::Vnd),
    ("Đồng", Currency::Vnd),
    ("đồng", Currency::Vnd),
    ("USD", Currency::Usd),
];

/// Fee notes that confirm "Miễn phí" really means no fee (compared lower-case, without
/// surrounding punctuation).
const NO_FEE_NOTES: [&str; 13] = [
    "không",
    "không có",
    "không quy định",
    "chưa quy định",
    "không thu",
    "không thu phí",
    "không thu lệ phí",
    "không có phí",
    "không mất phí",
    "không phải nộp phí",
    "miễn phí",
    "miễn lệ phí",
    "không có phí, lệ phí",
];

/// Parses the whole section. `context` is other text of the same record (the steps), used only
/// to corroborate the unit of a time published without one.
pub(super) fn parse_methods(text: &str, context: &str, notes: &mut Notes) -> Vec<ExecutionMethod> {
    let trimmed = text.trim();
    if super::scan::is_null(trimmed) {
        return Vec::new();
    }
    let body = match trimmed.strip_prefix(HEADER) {
        Some(b) => b.trim(),
        None => {
            notes.add(
                Section::Methods,
                NoteKind::MethodsUnstructured,
                "thiếu tiêu đề bảng",
                trimmed,
            );
            trimmed
        }
    };
    if body.is_empty() {
        return Vec::new();
    }
    let mut log = RowLog::default();
    let rows = split_rows(body, &mut log);
    if rows.is_empty() {
        notes.add(
            Section::Methods,
            NoteKind::MethodsUnstructured,
            "không nhận ra dòng nào (kênh + thời hạn + phí)",
            body,
        );
        return Vec::new();
    }
    let mut parsed = Vec::with_capacity(rows.len());
    for (channel, rest) in rows {
        parsed.push(parse_row(channel, rest, context, &mut log));
    }
    log.flush(body, notes);
    merge(parsed, body, notes)
}

/// Issues seen while parsing rows; turned into notes once per kind so a 20-row table with the
/// same quirk yields one readable reason.
#[derive(Default)]
struct RowLog {
    items: Vec<(NoteKind, String)>,
}

impl RowLog {
    fn push(&mut self, kind: NoteKind, detail: String) {
        self.items.push((kind, detail));
    }

    fn flush(self, raw: &str, notes: &mut Notes) {
        for (kind, detail) in self.items {
            notes.add(Section::Methods, kind, &detail, raw);
        }
    }
}

/// The channel word at the start of `s`.
fn channel_at(s: &str) -> Option<(Channel, usize)> {
    CHANNELS
        .iter()
        .find(|(w, _)| s.starts_with(w))
        .map(|(w, c)| (*c, w.len()))
}

/// Splits the table body into rows: `(channel, text after the channel word)`.
fn split_rows<'a>(body: &'a str, log: &mut RowLog) -> Vec<(Channel, &'a str)> {
    // Every channel word in the body, in order.
    let mut occ: Vec<(usize, Channel, usize)> = Vec::new();
    for (i, _) in body.char_indices() {
        if let Some((c, len)) = channel_at(from(body, i))
            && occ.last().is_none_or(|&(p, _, l)| i >= p + l)
        {
            occ.push((i, c, len));
        }
    }
    let Some(&head) = occ.first() else {
        return Vec::new();
    };
    let (first, _, first_len) = head;
    if first > 0 {
        log.push(
            NoteKind::MethodsUnstructured,
            format!(
                "có văn bản trước dòng đầu tiên: “{}”",
                excerpt(upto(body, first), 60)
            ),
        );
    }
    // A table whose first row has a free-text time cell ("Không phải trả kết quả ...") may have
    // more rows like it; only then are free-text time cells accepted after a channel word.
    let free_ok = matches!(
        time_cell(from(body, first + first_len).trim_start()).0,
        Time::Text
    );
    let mut starts = vec![head];
    for &(pos, c, len) in occ.iter().skip(1) {
        let rest = from(body, pos + len);
        if row_head(rest, free_ok) {
            starts.push((pos, c, len));
        }
    }
    let mut rows = Vec::with_capacity(starts.len());
    for (k, &(pos, c, len)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(body.len(), |s| s.0);
        let rest = cut(body, pos + len, end);
        rows.push((c, if k == 0 { rest.trim_start() } else { rest }));
    }
    rows
}

/// True when `s` (the text right after a channel word) starts like a row: a time cell then a
/// fee cell, glued to the channel word as the export writes them.
fn row_head(s: &str, free_ok: bool) -> bool {
    if char_at(s, 0).is_none_or(char::is_whitespace) {
        return false;
    }
    if merged_cell(s).is_some() {
        return true;
    }
    if let Some(rest) = s.strip_prefix(NULL_MARKER) {
        return fee_value(rest).is_some();
    }
    if let Some((_, _, used)) = numeric_time(s) {
        return fee_value(from(s, used)).is_some();
    }
    free_ok && char_at(s, 0).is_some_and(char::is_uppercase) && free_time_end(s).is_some()
}

/// What a time cell says.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Time {
    /// `Không có thông tin`.
    Null,
    /// A number, with the unit when one was written.
    Number { amount: f64, unit: Option<TimeUnit> },
    /// Words instead of a number ("Không phải trả kết quả ...").
    Text,
    /// Nothing recognisable.
    Unknown,
}

/// Reads the time cell at the start of a row: `(what, published text, bytes used)`.
fn time_cell(s: &str) -> (Time, &str, usize) {
    if s.starts_with(NULL_MARKER) {
        return (Time::Null, "", NULL_MARKER.len());
    }
    if let Some((amount, unit, used)) = numeric_time(s) {
        return (Time::Number { amount, unit }, upto(s, used).trim(), used);
    }
    if let Some(end) = free_time_end(s) {
        return (Time::Text, upto(s, end).trim(), end);
    }
    (Time::Unknown, "", 0)
}

/// `7`, `1.5`, `7 Ngày làm việc`, `24 Giờ` at the start of `s`: amount, unit, bytes used.
fn numeric_time(s: &str) -> Option<(f64, Option<TimeUnit>, usize)> {
    let int = digit_run(s);
    if int == 0 {
        return None;
    }
    let mut end = int;
    let mut amount = digits_value(upto(s, int)) as f64;
    // A decimal part, written with '.' or ',' ("1.5 Ngày làm việc").
    if let Some(sep) = char_at(s, int).filter(|c| *c == '.' || *c == ',') {
        let frac = digit_run(from(s, int + sep.len_utf8()));
        if frac > 0 && frac < 3 {
            let text = cut(s, 0, int + 1 + frac).replace(',', ".");
            amount = text.parse().unwrap_or(amount);
            end = int + 1 + frac;
        }
    }
    let after = from(s, end);
    let spaced = after.strip_prefix(' ').unwrap_or(after);
    for (word, unit) in UNITS {
        if spaced.starts_with(word) {
            let used = end + (after.len() - spaced.len()) + word.len();
            return Some((amount, Some(unit), used));
        }
    }
    Some((amount, None, end))
}

/// Where a free-text time cell ends: the first fee cell ("Miễn phí" / the null marker) within
/// [`FREE_TIME_MAX_BYTES`], provided the text before it is one line with no channel word.
fn free_time_end(s: &str) -> Option<usize> {
    let window = s.get(..FREE_TIME_MAX_BYTES.min(s.len())).or_else(|| {
        // Fall back to the nearest character boundary below the limit.
        let b = s
            .char_indices()
            .map(|(i, _)| i)
            .take_while(|&i| i <= FREE_TIME_MAX_BYTES)
            .last()?;
        s.get(..b)
    })?;
    let end = [window.find(FREE), window.find(NULL_MARKER)]
        .into_iter()
        .flatten()
        .min()?;
    let text = upto(s, end);
    let clean = end > 0 && !text.contains('\n') && !CHANNELS.iter().any(|(w, _)| text.contains(w));
    clean.then_some(end)
}

/// What a fee cell says, before its note.
#[derive(Debug, Clone, Copy, PartialEq)]
enum FeeValue {
    Free,
    Null,
    Amount { value: i64, currency: Currency },
}

/// The currency word at the start of `s` (after an optional space): currency, bytes used.
fn currency_at(s: &str) -> Option<(Currency, usize)> {
    let spaced = s.strip_prefix(' ').unwrap_or(s);
    CURRENCIES
        .iter()
        .find(|(w, _)| spaced.starts_with(w))
        .map(|(w, c)| (*c, s.len() - spaced.len() + w.len()))
}

/// The value part of a fee cell at the start of `s`: value, bytes used.
fn fee_value(s: &str) -> Option<(FeeValue, usize)> {
    if s.starts_with(FREE) {
        return Some((FeeValue::Free, FREE.len()));
    }
    if s.starts_with(NULL_MARKER) {
        return Some((FeeValue::Null, NULL_MARKER.len()));
    }
    let (value, used) = grouped_number(s)?;
    let (currency, cur_len) = currency_at(from(s, used))?;
    Some((FeeValue::Amount { value, currency }, used + cur_len))
}

/// A time without unit glued to a fee amount: `1` + `200 VNĐ` reads `1200 VNĐ`,
/// `1` + `20,000 VNĐ` reads `120,000 VNĐ`.
struct Merged<'a> {
    /// The digits before any thousands group (`1200`, `120`).
    head: &'a str,
    /// The thousands groups as written (`,000`), possibly empty.
    groups: &'a str,
    currency: Currency,
    /// Bytes used, currency included.
    used: usize,
}

fn merged_cell(s: &str) -> Option<Merged<'_>> {
    let head = digit_run(s);
    if head == 0 {
        return None;
    }
    let mut end = head;
    while char_at(s, end) == Some(',') && digit_run(from(s, end + 1)) == 3 {
        end += 4;
    }
    // Called only where a time cell must start, so digits followed by a currency always
    // include the time: there is no row without a time cell.
    let groups = cut(s, head, end);
    let (currency, cur_len) = currency_at(from(s, end))?;
    Some(Merged {
        head: upto(s, head),
        groups,
        currency,
        used: end + cur_len,
    })
}

/// Splits a merged cell into (time digits, fee value), when exactly one split is plausible.
fn resolve_merged(m: &Merged<'_>, note: Option<&str>) -> Option<(i64, i64)> {
    let stated = note.map(numbers_in).unwrap_or_default();
    let group_value = digits_value(m.groups);
    let groups = m.groups.len() / 4;
    let mut candidates = Vec::new();
    for k in 1..m.head.len() {
        let (time, fee) = (cut(m.head, 0, k), from(m.head, k));
        if fee.starts_with('0') || (groups > 0 && fee.len() > 3) {
            continue;
        }
        let mut value = digits_value(fee);
        for _ in 0..groups {
            value = value.saturating_mul(1000);
        }
        value = value.saturating_add(group_value);
        candidates.push((digits_value(time), value));
    }
    if groups > 0 && candidates.len() == 1 {
        return candidates.first().copied();
    }
    // Otherwise the fee note must state the amount (as written, or in thousands of đồng).
    let confirmed: Vec<(i64, i64)> = candidates
        .into_iter()
        .filter(|&(_, v)| {
            v > 0
                && (stated.contains(&v.saturating_mul(1000)) || (v >= 1000 && stated.contains(&v)))
        })
        .collect();
    match confirmed.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// One parsed row, before merging rows of the same channel.
struct Row {
    channel: Channel,
    time: Option<ProcessingTime>,
    time_text: String,
    fees: Vec<Fee>,
    description: String,
}

fn parse_row(channel: Channel, rest: &str, context: &str, log: &mut RowLog) -> Row {
    let mut row = Row {
        channel,
        time: None,
        time_text: String::new(),
        fees: Vec::new(),
        description: String::new(),
    };
    // 1. A bare time glued to a fee amount.
    if let Some(m) = merged_cell(rest) {
        let (note, after_note) = fee_note(from(rest, m.used), log);
        let cell = cut(rest, 0, m.used + after_note);
        row.description = from(rest, m.used + after_note).trim().to_owned();
        match resolve_merged(&m, note) {
            Some((time, fee)) => {
                log.push(
                    NoteKind::TimeFeeMerged,
                    format!(
                        "“{}” đọc là thời hạn {time} và mức phí {fee}",
                        excerpt(cut(rest, 0, m.used), 30)
                    ),
                );
                row.time_text = time.to_string();
                row.time = bare_time(
                    time as f64,
                    &row.time_text,
                    &[&row.description, context],
                    log,
                );
                row.fees
                    .extend(fee_amount(fee, m.currency, note, cell, log));
            }
            None => {
                log.push(
                    NoteKind::TimeFeeMerged,
                    format!(
                        "“{}”: không tách chắc chắn được thời hạn và mức phí",
                        excerpt(cut(rest, 0, m.used), 30)
                    ),
                );
                row.fees.push(Fee {
                    amount_vnd: None,
                    text: cell.trim().to_owned(),
                });
            }
        }
        return row;
    }
    // 2. Time cell, then fee cell, then description.
    let (time, time_text, used) = time_cell(rest);
    row.time_text = time_text.to_owned();
    let after_time = from(rest, used);
    match time {
        Time::Null => {}
        Time::Number {
            amount,
            unit: Some(unit),
        } => {
            row.time = Some(ProcessingTime { amount, unit });
        }
        Time::Number { amount, unit: None } => {
            row.time = bare_time(amount, time_text, &[after_time, context], log);
        }
        Time::Text => log.push(
            NoteKind::TimeNotNumeric,
            format!("thời hạn ghi bằng chữ: “{}”", excerpt(time_text, 60)),
        ),
        Time::Unknown => {
            log.push(
                NoteKind::MethodsUnstructured,
                format!("không đọc được ô thời hạn/phí: “{}”", excerpt(rest, 60)),
            );
            row.description = rest.trim().to_owned();
            return row;
        }
    }
    let Some((value, value_len)) = fee_value(after_time) else {
        log.push(
            NoteKind::MethodsUnstructured,
            format!("không đọc được ô phí: “{}”", excerpt(after_time, 60)),
        );
        row.description = after_time.trim().to_owned();
        return row;
    };
    let (note, note_len) = fee_note(from(after_time, value_len), log);
    let cell = cut(after_time, 0, value_len + note_len).trim();
    row.description = from(after_time, value_len + note_len).trim().to_owned();
    match value {
        FeeValue::Null => {}
        FeeValue::Free => {
            let free = note.is_none_or(is_no_fee_note);
            row.fees.push(Fee {
                amount_vnd: free.then_some(0),
                text: cell.to_owned(),
            });
        }
        FeeValue::Amount { value, currency } => {
            row.fees
                .extend(fee_amount(value, currency, note, cell, log));
        }
    }
    row
}

/// The `(note)` right after a fee value: its inner text and the bytes used. An unclosed
/// parenthesis runs to the end of the row and is noted.
fn fee_note<'a>(s: &'a str, log: &mut RowLog) -> (Option<&'a str>, usize) {
    if !s.starts_with('(') {
        return (None, 0);
    }
    match balanced_paren(s) {
        Some(end) => (Some(cut(s, 1, end - 1)), end),
        None => {
            log.push(
                NoteKind::FeeNoteUnclosed,
                format!("ghi chú phí “{}” không đóng ngoặc", excerpt(s, 40)),
            );
            (Some(from(s, 1)), s.len())
        }
    }
}

/// True when a note after "Miễn phí" confirms there is no fee.
fn is_no_fee_note(note: &str) -> bool {
    let t = note
        .trim()
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ';' | ',' | '(' | ')' | '-'))
        .to_lowercase();
    t.is_empty() || NO_FEE_NOTES.contains(&t.as_str())
}

/// A fee with a written amount.
fn fee_amount(
    value: i64,
    currency: Currency,
    note: Option<&str>,
    cell: &str,
    log: &mut RowLog,
) -> Option<Fee> {
    let text = cell.trim().to_owned();
    if currency == Currency::Usd {
        return Some(Fee {
            amount_vnd: None,
            text,
        });
    }
    if value == 0 || value >= 1000 {
        return Some(Fee {
            amount_vnd: Some(value),
            text,
        });
    }
    // No Vietnamese fee is below 1,000 đồng; the portal often shows thousands ("150 VNĐ" with
    // the note "150.000 đồng/lần"). Only the note's own figure is trusted.
    let scaled = value.saturating_mul(1000);
    if note.is_some_and(|n| numbers_in(n).contains(&scaled)) {
        log.push(
            NoteKind::FeeScaledFromNote,
            format!("mức phí ghi “{value}”, ghi chú ghi {scaled} đồng"),
        );
        return Some(Fee {
            amount_vnd: Some(scaled),
            text,
        });
    }
    log.push(
        NoteKind::FeeImplausible,
        format!("mức phí “{value}” đồng (dưới 1.000 đồng) không dùng làm số tiền"),
    );
    Some(Fee {
        amount_vnd: None,
        text,
    })
}

/// A time published without a unit. Rule: read it as working days (the unit of almost every
/// time limit in the national database, and the legal meaning of the portal's bare `1` for
/// birth registration), unless the record's own text states that number with one unit
/// ("05 ngày làm việc", "30 ngày", "24 giờ"); `0` is not a time limit. Always noted.
fn bare_time(
    amount: f64,
    text: &str,
    context: &[&str],
    log: &mut RowLog,
) -> Option<ProcessingTime> {
    if amount <= 0.0 {
        log.push(
            NoteKind::TimeWithoutUnit,
            format!("thời hạn ghi “{text}”, không dùng làm thời hạn"),
        );
        return None;
    }
    let stated = if amount.fract() == 0.0 {
        stated_unit(amount as i64, context)
    } else {
        None
    };
    let unit = stated.unwrap_or(TimeUnit::WorkingDays);
    let how = if stated.is_some() {
        "theo văn bản của thủ tục"
    } else {
        "mặc định"
    };
    log.push(
        NoteKind::TimeWithoutUnit,
        format!(
            "thời hạn “{text}” không ghi đơn vị, hiểu là {} ({how})",
            unit.label_vi()
        ),
    );
    Some(ProcessingTime { amount, unit })
}

/// The one unit the texts state for `n` ("07 ngày làm việc", "7 (bảy) ngày"), if exactly one.
fn stated_unit(n: i64, texts: &[&str]) -> Option<TimeUnit> {
    const WORDS: [(&str, TimeUnit); 5] = [
        ("ngày làm việc", TimeUnit::WorkingDays),
        ("giờ làm việc", TimeUnit::WorkingHours),
        ("ngày", TimeUnit::CalendarDays),
        ("giờ", TimeUnit::WorkingHours),
        ("tháng", TimeUnit::Months),
    ];
    let mut found: Vec<TimeUnit> = Vec::new();
    for text in texts {
        let lower = text.to_lowercase();
        let mut i = 0;
        while let Some(off) = from(&lower, i).find(|c: char| c.is_ascii_digit()) {
            let start = i + off;
            let run = digit_run(from(&lower, start));
            i = start + run;
            let before = super::scan::char_before(&lower, start);
            if before.is_some_and(|c| c.is_ascii_digit() || matches!(c, '/' | '.' | ',')) {
                continue;
            }
            if digits_value(cut(&lower, start, start + run)) != n {
                continue;
            }
            let mut after = from(&lower, start + run);
            after = after.strip_prefix(' ').unwrap_or(after);
            // "05 (năm) ngày làm việc"
            if after.starts_with('(')
                && let Some(end) = balanced_paren(after)
            {
                after = from(after, end);
                after = after.strip_prefix(' ').unwrap_or(after);
            }
            if let Some((_, unit)) = WORDS.iter().find(|(w, _)| after.starts_with(w))
                && !found.contains(unit)
            {
                found.push(*unit);
            }
        }
    }
    match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Merges rows that repeat a channel with the same time and description (the portal lists one
/// row per fee); rows of one channel that differ in time or description stay separate and are
/// noted, since it is unclear whether they are alternatives or stages.
fn merge(rows: Vec<Row>, raw: &str, notes: &mut Notes) -> Vec<ExecutionMethod> {
    let mut out: Vec<ExecutionMethod> = Vec::new();
    for row in rows {
        let same = out.iter_mut().find(|m| {
            m.channel == row.channel
                && m.time == row.time
                && m.time_text == row.time_text
                && m.description == row.description
        });
        match same {
            Some(m) => {
                for f in row.fees {
                    if !m.fees.contains(&f) {
                        m.fees.push(f);
                    }
                }
            }
            None => out.push(ExecutionMethod {
                channel: row.channel,
                time: row.time,
                time_text: row.time_text,
                fees: row.fees,
                description: row.description,
            }),
        }
    }
    let mut repeated = Vec::new();
    for (_, c) in CHANNELS {
        let n = out.iter().filter(|m| m.channel == c).count();
        if n > 1 {
            repeated.push(format!("{} ({n} dòng)", c.label_vi()));
        }
    }
    if !repeated.is_empty() {
        notes.add(
            Section::Methods,
            NoteKind::RepeatedChannel,
            &repeated.join(", "),
            raw,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<ExecutionMethod>, Notes) {
        let mut notes = Notes::default();
        let m = parse_methods(text, "", &mut notes);
        (m, notes)
    }

    #[test]
    fn birth_registration_three_channels_bare_time_free() {
        // 1.001193, verbatim.
        let (m, notes) = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1Miễn phíDịch vụ bưu chính1Miễn phíTrực tiếp1Miễn phí",
        );
        assert_eq!(m.len(), 3);
        assert_eq!(
            m.iter().map(|x| x.channel).collect::<Vec<_>>(),
            [Channel::Online, Channel::Postal, Channel::Direct]
        );
        for x in &m {
            assert_eq!(x.time_text, "1");
            assert_eq!(
                x.time,
                Some(ProcessingTime {
                    amount: 1.0,
                    unit: TimeUnit::WorkingDays
                })
            );
            assert_eq!(
                x.fees,
                vec![Fee {
                    amount_vnd: Some(0),
                    text: "Miễn phí".into()
                }]
            );
        }
        assert!(notes.kinds().contains(&NoteKind::TimeWithoutUnit));
    }

    #[test]
    fn residence_registration_fees_per_channel() {
        // 1.004222, shortened notes.
        let (m, notes) = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến7 Ngày làm việc10,000 Việt Nam Đồng(Lệ phí đăng ký cư trú)Trực tiếp7 Ngày làm việc20,000 Việt Nam Đồng(Lệ phí đăng ký cư trú)",
        );
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].channel, Channel::Online);
        assert_eq!(
            m[0].time,
            Some(ProcessingTime {
                amount: 7.0,
                unit: TimeUnit::WorkingDays
            })
        );
        assert_eq!(m[0].fees[0].amount_vnd, Some(10_000));
        assert_eq!(
            m[0].fees[0].text,
            "10,000 Việt Nam Đồng(Lệ phí đăng ký cư trú)"
        );
        assert_eq!(m[1].channel, Channel::Direct);
        assert_eq!(m[1].fees[0].amount_vnd, Some(20_000));
        assert!(notes.is_empty());
    }

    #[test]
    fn channel_words_in_descriptions_do_not_split_rows() {
        // 1.009528: the export's heuristic read six channels here.
        let (m, notes) = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến7 Ngày làm việcMiễn phíTrực tuyến tại Cổng Dịch vụ công quốc gia.Dịch vụ bưu chính7 Ngày làm việcMiễn phí Thông qua dịch vụ bưu chính công ích theo quy định của Thủ tướng Chính phủ; Trực tiếp7 Ngày làm việcMiễn phíTrực tiếp tại Bộ phận Một cửa;",
        );
        assert_eq!(m.len(), 3);
        assert_eq!(
            m[0].description,
            "Trực tuyến tại Cổng Dịch vụ công quốc gia."
        );
        assert_eq!(m[2].description, "Trực tiếp tại Bộ phận Một cửa;");
        assert!(notes.is_empty());
    }

    #[test]
    fn description_starting_with_channel_and_colon() {
        // 1.000232
        let (m, _) = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếpKhông có thông tinKhông có thông tinnộp hồ sơ trực tiếp tại trụ sở Cục Quản lý xuất nhập cảnh.Dịch vụ bưu chínhKhông có thông tinKhông có thông tinGửi hồ sơ và nhận kết quả qua đường bưu điện.Trực tuyếnKhông có thông tinKhông có thông tinTrực tuyến: nộp hồ sơ trực tuyến qua Cổng dịch vụ công quốc gia hoặc Cổng dịch vụ công Bộ Công an.",
        );
        assert_eq!(m.len(), 3);
        assert!(m.iter().all(|x| x.time.is_none() && x.fees.is_empty()));
        assert_eq!(
            m[2].description,
            "Trực tuyến: nộp hồ sơ trực tuyến qua Cổng dịch vụ công quốc gia hoặc Cổng dịch vụ công Bộ Công an."
        );
    }

    #[test]
    fn rows_differing_only_in_fee_are_merged() {
        // 1.003358, shortened: one channel, one time, several fees.
        let (m, notes) = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến5 Ngày làm việc145 USD(02 năm: 145 USD/thẻ.)Nộp trực tuyến.Trực tuyến5 Ngày làm việc155 USD(05 năm: 155 USD/thẻ.)Nộp trực tuyến.",
        );
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].fees.len(), 2);
        assert!(m[0].fees.iter().all(|f| f.amount_vnd.is_none()));
        assert!(notes.is_empty());
    }

    #[test]
    fn stages_of_one_channel_stay_separate_and_are_noted() {
        // 1.001765, shortened.
        let (m, notes) = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp3 Ngày làm việcKhông có thông tinThời hạn gửi đề nghịTrực tiếp5 Ngày làm việcKhông có thông tinThời hạn kiểm tra",
        );
        assert_eq!(m.len(), 2);
        assert_eq!(notes.kinds(), vec![NoteKind::RepeatedChannel]);
    }

    #[test]
    fn merged_time_and_fee_resolved_by_note() {
        // 2.002009: "1" + "100 VNĐ", the note states 100.000 đồng.
        let (m, notes) = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1100 VNĐ(Phí công bố nội dung đăng ký doanh nghiệp: 100.000 đồng/lần)",
        );
        assert_eq!(m[0].time_text, "1");
        assert_eq!(m[0].fees[0].amount_vnd, Some(100_000));
        let kinds = notes.kinds();
        assert!(kinds.contains(&NoteKind::TimeFeeMerged));
        assert!(kinds.contains(&NoteKind::FeeScaledFromNote));
        // 1.000005: thousands groups make the split unambiguous.
        let (m, _) = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp120,000 VNĐ(Theo khoản 1 Điều 3)",
        );
        assert_eq!(m[0].time_text, "1");
        assert_eq!(m[0].fees[0].amount_vnd, Some(20_000));
        // 1.004757: nothing to go by.
        let (m, notes) = parse("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1200 VNĐ");
        assert_eq!(m[0].time, None);
        assert_eq!(
            m[0].fees,
            vec![Fee {
                amount_vnd: None,
                text: "1200 VNĐ".into()
            }]
        );
        assert_eq!(notes.kinds(), vec![NoteKind::TimeFeeMerged]);
    }

    #[test]
    fn free_with_a_stated_amount_is_not_zero() {
        // 3.000347, shortened.
        let (m, _) = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến5 Ngày làm việcMiễn phí(- Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần.)",
        );
        assert_eq!(m[0].fees[0].amount_vnd, None);
        let (m, _) = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến27 Ngày làm việcMiễn phí(Không quy định.)",
        );
        assert_eq!(m[0].fees[0].amount_vnd, Some(0));
    }

    #[test]
    fn free_text_time_cells() {
        // 1.014976, shortened descriptions.
        let (m, notes) = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếpKhông Không có thông tinTại Trung tâm phục vụ hành chính công cấp tỉnh, xãTrực tuyếnKhôngKhông có thông tinQua Cổng dịch vụ công Quốc gia",
        );
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].time_text, "Không");
        assert_eq!(m[1].description, "Qua Cổng dịch vụ công Quốc gia");
        assert!(notes.kinds().contains(&NoteKind::TimeNotNumeric));
    }

    #[test]
    fn units_and_decimals() {
        let (m, _) = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp1.5 Ngày làm việc40,000 Việt Nam Đồng(- Xe ô tô)Trực tuyến24 GiờMiễn phíDịch vụ bưu chính3 ThángMiễn phí",
        );
        assert_eq!(
            m[0].time,
            Some(ProcessingTime {
                amount: 1.5,
                unit: TimeUnit::WorkingDays
            })
        );
        assert_eq!(
            m[1].time,
            Some(ProcessingTime {
                amount: 24.0,
                unit: TimeUnit::WorkingHours
            })
        );
        assert_eq!(
            m[2].time,
            Some(ProcessingTime {
                amount: 3.0,
                unit: TimeUnit::Months
            })
        );
    }

    #[test]
    fn bare_time_takes_the_unit_the_text_states() {
        let mut log = RowLog::default();
        let t = bare_time(
            5.0,
            "5",
            &["Trong thời hạn 05 (năm) ngày kể từ ngày nhận đủ hồ sơ"],
            &mut log,
        );
        assert_eq!(
            t,
            Some(ProcessingTime {
                amount: 5.0,
                unit: TimeUnit::CalendarDays
            })
        );
        let t = bare_time(0.0, "0", &[], &mut log);
        assert_eq!(t, None);
    }

    #[test]
    fn garbage_does_not_panic() {
        for s in [
            "",
            "Trực tuyến",
            "Hình thức nộpThời gianPhí, lệ phíMô tả",
            "Trực tuyến(((",
            "xyzTrực tiếp9",
            "Trực tuyến99999999999999999999999 VNĐ",
        ] {
            let _ = parse(s);
        }
    }
}
