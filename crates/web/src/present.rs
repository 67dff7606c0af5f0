//! Plain-language presentation of catalog values, shared by the API summaries and the pages.

use motcua_core::catalog::{Channel, ExecutionMethod, Fee, Procedure, ProcessingTime};

/// "1 ngày làm việc", "0,5 ngày làm việc", "3 tháng" (Vietnamese decimal comma).
pub fn time_text(t: &ProcessingTime) -> String {
    format!("{} {}", number_vi(t.amount), t.unit.label_vi())
}

/// A number with a Vietnamese decimal comma and no trailing zeros.
pub fn number_vi(x: f64) -> String {
    let s = format!("{:.2}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.replace('.', ",")
}

/// "10.000": a whole number with the Vietnamese thousands separator.
pub fn count_vi(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// `+84912345678` as people write it: `0912345678`.
pub fn local_phone(p: &str) -> String {
    p.strip_prefix("+84")
        .map_or_else(|| p.to_owned(), |rest| format!("0{rest}"))
}

/// "20.000 đồng" (Vietnamese thousands separator).
pub fn money_vi(vnd: i64) -> String {
    format!("{} đồng", count_vi(vnd))
}

/// One fee in plain words: "Miễn phí", "20.000 đồng", or the published text.
pub fn fee_text(f: &Fee) -> String {
    match f.amount_vnd {
        Some(0) => "Miễn phí".to_owned(),
        Some(v) => money_vi(v),
        None => f.text.clone(),
    }
}

/// The method a citizen most likely uses for a summary: online if offered, else in person.
fn headline_method(p: &Procedure) -> Option<&ExecutionMethod> {
    p.methods
        .iter()
        .find(|m| m.channel == Channel::Online)
        .or_else(|| p.methods.iter().find(|m| m.channel == Channel::Direct))
        .or_else(|| p.methods.first())
}

/// Processing time for a summary line.
pub fn summary_time(p: &Procedure) -> Option<String> {
    headline_method(p).and_then(|m| {
        m.time
            .as_ref()
            .map(time_text)
            .or_else(|| (!m.time_text.is_empty()).then(|| m.time_text.clone()))
    })
}

/// Fee for a summary line: "Miễn phí" when every fee on the headline channel is zero or
/// none is listed, the amount when there is one clear amount, "Có thu phí, lệ phí" otherwise.
pub fn summary_fee(p: &Procedure) -> Option<String> {
    let m = headline_method(p)?;
    match m.fees.as_slice() {
        [] => None,
        fees if fees.iter().all(|f| f.amount_vnd == Some(0)) => Some("Miễn phí".to_owned()),
        [one] if one.amount_vnd.is_some() => Some(fee_text(one)),
        _ => Some("Có thu phí, lệ phí".to_owned()),
    }
}

/// Drops the list marker the national data puts in front of items ("- ", "+ ", "• ").
pub fn strip_bullet(s: &str) -> &str {
    let t = s.trim_start();
    for marker in ["- ", "+ ", "• ", "– ", "* "] {
        if let Some(rest) = t.strip_prefix(marker) {
            return rest.trim_start();
        }
    }
    t
}

/// Whether a group of "documents" published by the national database is really a list of
/// notes ("Lưu ý") rather than papers to prepare.
pub fn is_notes_group(name: &str) -> bool {
    let n = motcua_core::text::fold(strip_bullet(name));
    n.starts_with("luu y") || n.starts_with("ghi chu")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_money_read_the_vietnamese_way() {
        assert_eq!(number_vi(1.0), "1");
        assert_eq!(number_vi(0.5), "0,5");
        assert_eq!(number_vi(7.25), "7,25");
        assert_eq!(count_vi(10_000), "10.000");
        assert_eq!(count_vi(-1_234), "-1.234");
        assert_eq!(count_vi(999), "999");
        assert_eq!(money_vi(20_000), "20.000 đồng");
        assert_eq!(money_vi(1_500_000), "1.500.000 đồng");
        assert_eq!(money_vi(500), "500 đồng");
        assert_eq!(money_vi(0), "0 đồng");
    }

    #[test]
    fn bullets_and_note_groups() {
        assert_eq!(strip_bullet("- Giấy chứng sinh"), "Giấy chứng sinh");
        assert_eq!(strip_bullet("+ Bản sao"), "Bản sao");
        assert_eq!(strip_bullet("Tờ khai"), "Tờ khai");
        assert!(is_notes_group("* Lưu ý:"));
        assert!(is_notes_group("Lưu ý"));
        assert!(!is_notes_group("Giấy tờ phải nộp"));
    }
}
