//! The phrase lists the rules match, in folded form (lower case, no diacritics, words separated
//! by single spaces: "trường hợp" → `truong hop`). Where folding merges words the rules must
//! tell apart ("nếu"/"nêu", "thì"/"thi", "phải"/"phái"), the rules check the marked key too
//! (see [`super::words::Words::marked`]).
//!
//! Each list was drawn from the rows of the shipped national catalog; the comment says what
//! the words do in a row.

/// Group headings whose rows are all remarks.
pub(super) const NOTE_GROUPS: [&str; 4] = ["luu y", "ghi chu", "chu y", "mot so luu y"];

/// Words that open a remark.
pub(super) const NOTE_LABELS: [&str; 5] = ["luu y", "ghi chu", "chu y", "chu thich", "vi du"];

/// Words that open a row with its condition: "Trường hợp X thì Y", "Đối với X: Y".
pub(super) const CONDITION_LEADS: [&str; 10] = [
    "truong hop",
    "trong truong hop",
    "doi voi truong hop",
    "voi truong hop",
    "rieng truong hop",
    "rieng doi voi truong hop",
    "rieng doi voi",
    "doi voi",
    "neu",
    "khi",
];

/// Words that open a remark rather than a document: an exemption, a rule addressed to the
/// agency, a right or duty of the applicant, a quantity of dossiers.
pub(super) const STATEMENT_LEADS: [&str; 32] = [
    "tru truong hop",
    "khong phai",
    "khong yeu cau",
    "khong can",
    "mien nop",
    "nguoi tiep nhan",
    "co quan",
    "can bo",
    "cong chuc",
    "uy ban nhan dan",
    "ubnd",
    "ca nhan co quyen",
    "nguoi yeu cau",
    "nguoi co yeu cau",
    "nguoi di dang ky",
    "nguoi de nghi",
    "nguoi dang ky",
    "nguoi nop",
    "nguoi thuc hien",
    "nguoi uy quyen",
    "nguoi duoc uy quyen",
    "to chuc ca nhan",
    "ca nhan to chuc",
    "so luong ho so",
    "so luong",
    "so bo ho so",
    "thanh phan ho so",
    "hinh thuc nop",
    "viec",
    "thoi han",
    "sau khi",
    "chuong nay",
];

/// A statement lead that may still introduce documents after a colon ("Thành phần hồ sơ gồm:
/// Tờ trình; …").
pub(super) const LIST_LEADS: [&str; 1] = ["thanh phan ho so"];

/// Phrases that say something need not be supplied, or may be supplied another way.
pub(super) const NOT_REQUIRED: [&str; 12] = [
    "khong phai",
    "khong bao gom",
    "duoc thay the",
    "khong can",
    "khong yeu cau",
    "khong bat buoc",
    "khong duoc yeu cau",
    "mien nop",
    "duoc mien",
    "chi can",
    "duoc su dung",
    "co the",
];

/// Subjects of a rule addressed to the agency, at the start of a consequence.
pub(super) const AGENCY_SUBJECTS: [&str; 6] = [
    "co quan",
    "nguoi tiep nhan",
    "can bo",
    "cong chuc",
    "uy ban",
    "chu tich",
];

/// Predicates of a rule for the agency or about the form of papers, anywhere in a consequence.
pub(super) const STATEMENT_PREDICATES: [&str; 7] = [
    "co trach nhiem",
    "phai duoc",
    "phai bao dam",
    "phai dam bao",
    "tu choi",
    "huy bo",
    "duoc xac dinh",
];

/// Who a consequence may name before what they submit ("…, người nộp thuế phải nộp thêm …").
pub(super) const ACTORS: [&str; 14] = [
    "nguoi",
    "to chuc",
    "ca nhan",
    "doanh nghiep",
    "nha dau tu",
    "chu dau tu",
    "chu du an",
    "chu tau",
    "thuong nhan",
    "nhan vien",
    "ben",
    "cong ty",
    "ho kinh doanh",
    "hop tac xa",
];

/// Words that say a consequence asks for something.
pub(super) const OBLIGATIONS: [&str; 13] = [
    "phai co",
    "phai nop",
    "phai gui",
    "phai kem",
    "phai bo sung",
    "phai cung cap",
    "nop",
    "kem theo",
    "gui kem",
    "bo sung",
    "cung cap",
    "xuat trinh",
    "tai len",
];

/// Words after a comma that begin the consequence of a leading condition.
pub(super) const CONSEQUENCE_AFTER_COMMA: [&str; 6] = [
    "ho so",
    "kem theo",
    "nop",
    "cung cap",
    "gui kem",
    "thanh phan",
];

/// Obligation words dropped from the front of a document's name ("phải có biên bản …" →
/// "Biên bản …"), longest first where they overlap.
pub(super) const OBLIGATION_PREFIXES: [&str; 23] = [
    "phai co",
    "phai nop lai",
    "nop lai",
    "xuat trinh",
    "phai nop them",
    "phai nop",
    "phai gui kem theo",
    "phai gui kem",
    "phai gui",
    "phai kem theo",
    "phai bo sung",
    "phai cung cap",
    "phai xuat trinh",
    "nop them",
    "nop bo sung",
    "nop",
    "gui kem theo",
    "gui kem",
    "kem theo",
    "bo sung",
    "cung cap",
    "de nghi cung cap",
    "them",
];

/// Verbs of supplying that open an instruction to hand something over ("Xuất trình bản chính
/// …", "Nộp cho Cảng vụ hàng hải: Bản khai chung …").
pub(super) const SUPPLY_VERBS: [&str; 5] = ["xuat trinh", "nop", "trinh", "cung cap", "gui"];

/// Words that may stand before a document's name: determiners and numbers ("Các tài liệu …",
/// "Một trong các giấy tờ …", "Hai ảnh …").
pub(super) const DOCUMENT_DETERMINERS: [&str; 12] = [
    "bo",
    "cac",
    "nhung",
    "mot trong cac",
    "mot trong nhung",
    "mot trong",
    "mot",
    "hai",
    "ba",
    "toan bo",
    "cac loai",
    "moi loai",
];

/// How a document's name begins: the kinds of papers the national catalog asks for.
pub(super) const DOCUMENT_HEADS: [&str; 116] = [
    "van ban",
    "van tai don",
    "manh trich do",
    "tep tin",
    "so luoc",
    "van bang",
    "van don",
    "van kien",
    "ban sao",
    "ban chinh",
    "ban chup",
    "ban goc",
    "ban khai",
    "ban ke",
    "ban do",
    "ban ve",
    "ban thuyet minh",
    "ban thong tin",
    "ban dang ky",
    "ban cam ket",
    "ban cam doan",
    "ban trich",
    "ban dich",
    "ban tom tat",
    "ban cong bo",
    "ban mo ta",
    "ban ly lich",
    "ban tu",
    "ban xac nhan",
    "ban thoa thuan",
    "ban danh gia",
    "ban giai trinh",
    "ban luoc",
    "ban dien tu",
    "ban tuong trinh",
    "ban tinh",
    "ban in",
    "ban nhan xet",
    "ban kiem diem",
    "ban bao cao",
    "ban cao",
    "ban pho",
    "ban so lieu",
    "ban tham tra",
    "ban cha",
    "giay",
    "don",
    "to khai",
    "to trinh",
    "to bao",
    "bao cao",
    "bao lanh",
    "bao gia",
    "tai lieu",
    "ho so",
    "ho chieu",
    "hoc ba",
    "danh sach",
    "danh muc",
    "quyet dinh",
    "hop dong",
    "thong tin",
    "thong bao",
    "phuong an",
    "bien ban",
    "bien lai",
    "phieu",
    "bang",
    "so do",
    "so yeu",
    "so hoa",
    "so theo doi",
    "so ata",
    "so lieu",
    "so ghi",
    "chung tu",
    "chung chi",
    "chung nhan",
    "chung minh",
    "chung thu",
    "chung cu",
    "de an",
    "de nghi",
    "de cuong",
    "de xuat",
    "du thao",
    "du an",
    "du toan",
    "dieu le",
    "cong van",
    "cong ham",
    "nghi quyet",
    "mau",
    "quy che",
    "quy trinh",
    "quy hoach",
    "quy dinh",
    "hoa don",
    "cam ket",
    "phu luc",
    "ke hoach",
    "anh",
    "ket qua",
    "ket luan",
    "xac nhan",
    "ly lich",
    "thuyet minh",
    "tom tat",
    "trich luc",
    "tieu chuan",
    "chuong trinh",
    "thoa thuan",
    "y kien",
    "uy nhiem chi",
    "giai trinh",
    "the",
];

/// Papers by which someone acts for the applicant.
pub(super) const AUTHORISATION_PAPERS: [&str; 8] = [
    "van ban uy quyen",
    "giay uy quyen",
    "hop dong uy quyen",
    "giay to uy quyen",
    "ban sao van ban uy quyen",
    "ban sao hop dong uy quyen",
    "ban sao giay uy quyen",
    "ban chinh giay uy quyen",
];

/// Words of a quantity after a document ("(nếu có) – 01 (một) bản sao có chứng thực").
pub(super) const QUANTITY_WORDS: [&str; 22] = [
    "ban", "chinh", "sao", "chup", "goc", "bo", "mot", "hai", "ba", "co", "chung", "thuc", "kem",
    "theo", "de", "doi", "chieu", "hoac", "va", "dien", "tu", "moi",
];

/// Marked keys of words that, before "trường hợp", make it a noun ("các trường hợp", "trừ
/// trường hợp", "mọi trường hợp") rather than a condition.
pub(super) const NOT_A_CONDITION_BEFORE: [&str; 10] = [
    "trư1", "cac4", "moi5", "thuôc5", "nhưng3", "tưng1", "môt5", "sô4", "nay1", "cư3",
];

/// Last words of a heading that introduces a list ("… các giấy tờ sau:", "Hồ sơ gồm:").
pub(super) const HEADING_ENDS: [&str; 6] =
    ["sau", "sau day", "gom", "bao gom", "nhu sau", "gom co"];

/// Words that open a heading rather than one document.
pub(super) const GENERIC_HEADS: [&str; 9] = [
    "cac",
    "mot trong",
    "ho so",
    "thanh phan",
    "giay to",
    "tai lieu",
    "nhung",
    "chung cu",
    "gom",
];

/// Markers of a condition inside a document's first item.
pub(super) const INLINE_MARKERS: [&str; 9] = [
    "trong truong hop",
    "doi voi truong hop",
    "truong hop",
    "ap dung doi voi",
    "ap dung cho",
    "chi ap dung",
    "doi voi",
    "neu",
    "khi",
];

/// Words after "hoặc" that name another *form* of the same paper ("bản chính hoặc bản sao"),
/// not an alternative paper.
pub(super) const COPY_FORMS: [&str; 5] =
    ["ban sao", "ban chup", "ban chinh", "ban dien tu", "ban goc"];

/// Document heads that are also verbs ("cấp hoặc xác nhận", "đề nghị hoặc"): after "hoặc"
/// they do not name another paper.
pub(super) const NOT_ALTERNATIVE_HEADS: [&str; 6] = [
    "xac nhan",
    "de nghi",
    "chung minh",
    "thong bao",
    "cam ket",
    "bao lanh",
];

/// Who "đối với" names when it states a condition ("… đối với người chưa đủ 14 tuổi"), as
/// opposed to what a paper concerns ("Báo cáo … đối với dự án …").
pub(super) const CONDITION_SUBJECTS: [&str; 12] = [
    "nguoi",
    "ca nhan",
    "to chuc",
    "cong dan",
    "tre em",
    "doanh nghiep",
    "ho gia dinh",
    "ho kinh doanh",
    "nha dau tu",
    "thanh vien",
    "doi tuong",
    "phuong tien",
];

/// Last words of the nouns after which "đối với" means "concerning" ("điều kiện đối với chủ
/// sở hữu", "hồ sơ đối với thành viên sáng lập", "yêu cầu đối với người …").
pub(super) const CONCERNING_BEFORE: [&str; 9] = [
    "kien", "so", "dinh", "cau", "chuan", "vu", "nhiem", "ly", "dai",
];

/// Words of an authorisation to act in the procedure ("… cho cá nhân thực hiện thủ tục …"),
/// as opposed to an appointment to a role ("… cho một thành viên làm chủ hộ kinh doanh").
pub(super) const FILING_WORDS: [&str; 7] = [
    "thuc hien thu tuc",
    "lam thu tuc",
    "nop ho so",
    "nop don",
    "thay mat",
    "thuc hien viec",
    "dang ky",
];

/// The national portal's interactive forms, used only online.
pub(super) const ELECTRONIC_FORMS: [&str; 3] = [
    "mau ho tich dien tu tuong tac",
    "mau dien tu tuong tac",
    "bieu mau dien tu tuong tac",
];

/// Words too common to tell two phrases apart ("của", "và", "bản sao" …).
pub(super) const PAIR_STOPWORDS: [&str; 31] = [
    "cua", "va", "cac", "theo", "quy", "dinh", "phap", "luat", "duoc", "cho", "co", "la", "trong",
    "tai", "ve", "voi", "hoac", "nay", "do", "da", "de", "ban", "sao", "chinh", "mot", "nhung",
    "khi", "thi", "nguoi", "truong", "hop",
];

/// Verbs after "phải" that make it the verb of a consequence ("phải có", "phải nộp").
pub(super) const MUST_VERBS: [&str; 11] = [
    "co",
    "nop",
    "bo sung",
    "kem",
    "gui",
    "xuat trinh",
    "cung cap",
    "tai len",
    "lap",
    "trinh",
    "dinh kem",
];
