//! Mails to the applicant when their dossier changes in a way they must know about (receipt,
//! supplement request, refusal, result, apology …). Queued in the change's transaction and
//! delivered by the outbox worker, so a failing mail server never loses or blocks a change.

use jiff::Timestamp;
use motcua_core::dossier::Dossier;
use motcua_store::NewMail;

use motcua_core::dossier::model::vn_time_text as local;

/// The mail for a change (`submit` or an action name), when the applicant has an address and
/// the change concerns them.
pub fn mail_for(d: &Dossier, action: &str, now: Timestamp) -> Option<NewMail> {
    let to = d.applicant.email.clone()?;
    let what = match action {
        "submit" | "accept" => match (d.due.legal, d.accepted_at) {
            (Some(due), _) => format!(
                "Hồ sơ đã được tiếp nhận. Ngày hẹn trả kết quả: {}.",
                local(due)
            ),
            (None, Some(_)) => "Hồ sơ đã được tiếp nhận.".to_owned(),
            (None, None) => "Hồ sơ đã được gửi và đang chờ cán bộ tiếp nhận kiểm tra.".to_owned(),
        },
        "request_supplement" => {
            let items = d
                .supplements
                .last()
                .map(|r| {
                    r.items
                        .iter()
                        .map(|i| format!("- {}: {}", i.component, i.reason))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default();
            format!(
                "Hồ sơ cần bổ sung, hoàn thiện các nội dung sau (Mẫu 02):\n{items}\n\
                 Thời hạn giải quyết được tính lại từ đầu khi nhận đủ hồ sơ bổ sung."
            )
        }
        "refuse" => format!(
            "Hồ sơ bị từ chối giải quyết (Mẫu 03). Lý do: {}",
            d.closing_notice.as_ref().map_or("", |n| n.reason.as_str())
        ),
        "transfer" => "Hồ sơ đã được chuyển đến cơ quan có thẩm quyền giải quyết.".to_owned(),
        "issue_result" => "Hồ sơ đã có kết quả giải quyết.".to_owned(),
        "return_result" => "Kết quả giải quyết đã được trả.".to_owned(),
        "withdraw" => "Hồ sơ đã được rút theo đề nghị.".to_owned(),
        "stop" => format!(
            "Hồ sơ đã dừng xử lý. Lý do: {}",
            d.closing_notice.as_ref().map_or("", |n| n.reason.as_str())
        ),
        "apologise" => match &d.apology {
            Some(a) => format!(
                "Cơ quan giải quyết xin lỗi vì chưa trả kết quả đúng hẹn (Mẫu 04). Lý do: {}. \
                 Ngày hẹn trả mới: {}.",
                a.reason,
                local(a.new_due)
            ),
            None => return None,
        },
        _ => return None,
    };
    Some(NewMail {
        id: uuid::Uuid::now_v7().to_string(),
        recipient: to,
        subject: format!("Hồ sơ {}: {}", d.code, d.status.label_vi()),
        body: format!(
            "Kính gửi {},\n\n{what}\n\nMã hồ sơ: {}\nThủ tục: {}\nTrạng thái: {}\n\n\
             Tra cứu tình trạng hồ sơ bằng mã hồ sơ trên Cổng Dịch vụ công.\n",
            d.applicant.name,
            d.code,
            d.procedure_name,
            d.status.label_vi()
        ),
        created_at: now,
    })
}
