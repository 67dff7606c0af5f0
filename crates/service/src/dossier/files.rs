//! Files: uploads (checked by content, not by the type the client declares) and their use in
//! dossiers (only the uploader may attach a file; a file is downloaded only through a dossier
//! the reader may see).

use jiff::Timestamp;
use motcua_core::{
    dossier::{Dossier, FieldError, FileRef},
    text::{char_len, clean_line},
};
use motcua_store::FileMeta;
use sha2::Digest;

use super::{DossierDeps, DossierService};
use crate::{
    actor::Actor,
    error::{ServiceError, ServiceResult},
};

/// Most files on one document.
const MAX_FILES_PER_COMPONENT: usize = 20;

/// Limits on what one account keeps in uploaded files (`[files]` in the settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileRules {
    /// Bytes an account may keep in uploads of its own.
    pub max_bytes_per_account: i64,
    /// Uploads held by no dossier and no draft an account may keep at once.
    pub max_loose_files: i64,
    /// Hours after which an upload held by no dossier and no draft is deleted.
    pub loose_file_hours: i64,
    /// clamd's TCP address: when set, every upload is scanned for viruses (see [`super::scan`]).
    pub clamd: Option<std::net::SocketAddr>,
}

impl Default for FileRules {
    fn default() -> Self {
        Self {
            max_bytes_per_account: 500 * 1024 * 1024,
            max_loose_files: 40,
            loose_file_hours: 48,
            clamd: None,
        }
    }
}

/// The media types accepted, recognised by their first bytes.
const KINDS: [(&str, &[u8]); 4] = [
    ("application/pdf", b"%PDF-"),
    ("image/jpeg", &[0xFF, 0xD8, 0xFF]),
    (
        "image/png",
        &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A],
    ),
    ("application/xml", b"<?xml"),
];

/// The media type of `content` by its magic bytes (an XML file may start with a byte-order
/// mark and white space).
pub fn sniff(content: &[u8]) -> Option<&'static str> {
    let xml_start = content
        .strip_prefix(&[0xEF, 0xBB, 0xBF])
        .unwrap_or(content)
        .trim_ascii_start();
    KINDS
        .iter()
        .find(|(kind, magic)| {
            if *kind == "application/xml" {
                xml_start.starts_with(magic)
            } else {
                content.starts_with(magic)
            }
        })
        .map(|(kind, _)| *kind)
}

/// Whether the file belongs to the dossier (a component or the result).
pub fn dossier_has_file(d: &Dossier, file_id: &str) -> bool {
    d.components
        .iter()
        .flat_map(|c| c.files.iter())
        .chain(d.result.iter().filter_map(|r| r.file.as_ref()))
        .any(|f| f.id == file_id)
}

/// A document the applicant can reuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyDocument {
    /// The file.
    pub file: FileRef,
    /// When they uploaded it (their own uploads).
    pub uploaded_at: Option<Timestamp>,
    /// The dossier it is the electronic result of.
    pub result_of: Option<String>,
}

fn file_ref(m: FileMeta) -> FileRef {
    FileRef {
        id: m.id,
        name: m.name,
        media_type: m.media_type,
        size: m.size,
        sha256: m.sha256,
    }
}

impl<S: ?Sized + DossierDeps + 'static> DossierService<S> {
    /// The actor's own uploads among `ids`, for a form shown again with the files it already
    /// holds; an id that is not theirs (or not a file) is left out.
    pub async fn own_uploads(&self, actor: &Actor, ids: &[String]) -> ServiceResult<Vec<FileRef>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            match self
                .own_files(actor, std::slice::from_ref(id), "files")
                .await
            {
                Ok(mut f) => out.append(&mut f),
                Err(ServiceError::Invalid(_)) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(out)
    }

    /// Resolves uploaded file ids into references; only the uploader may attach a file.
    pub(super) async fn own_files(
        &self,
        actor: &Actor,
        ids: &[String],
        field: &str,
    ) -> ServiceResult<Vec<FileRef>> {
        if ids.len() > MAX_FILES_PER_COMPONENT {
            return Err(ServiceError::invalid(
                field,
                format!("tối đa {MAX_FILES_PER_COMPONENT} tệp cho một thành phần"),
            ));
        }
        let mut out: Vec<FileRef> = Vec::with_capacity(ids.len());
        let mut errors = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            if let Some(seen) = out.iter().find(|f| &f.id == id) {
                out.push(seen.clone());
                continue;
            }
            let meta = match uuid::Uuid::try_parse(id) {
                Ok(_) => self.store.file_meta(id).await?,
                Err(_) => None,
            };
            let mine = match &meta {
                Some(m) if Some(m.owner_id.as_str()) == actor.user_id() => true,
                // An electronic result issued to the actor is theirs to reuse (Decree
                // 45/2020's reuse of digitised documents).
                Some(m) => {
                    actor.user_id().is_some()
                        && self.store.result_holder(&m.id).await?.as_deref() == actor.user_id()
                }
                None => false,
            };
            match meta {
                Some(m) if mine => out.push(file_ref(m)),
                _ => errors.push(FieldError::new(
                    format!("{field}[{i}]"),
                    "không có tệp này (hãy tải lên qua POST /api/v1/files)",
                )),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(ServiceError::Invalid(errors))
        }
    }

    /// Stores an upload by the actor; returns its reference. The type is decided by the
    /// content: a declared type that the bytes contradict is refused, and
    /// `application/octet-stream` takes the type the bytes show.
    pub async fn upload(
        &self,
        actor: &Actor,
        now: Timestamp,
        name: &str,
        declared_type: &str,
        content: &[u8],
    ) -> ServiceResult<FileRef> {
        let Some(owner) = actor.user_id() else {
            return Err(ServiceError::Forbidden(
                "Tệp chỉ được tải lên bởi một tài khoản.".to_owned(),
            ));
        };
        if content.is_empty() {
            return Err(ServiceError::invalid("body", "tệp rỗng"));
        }
        let name = clean_line(name);
        if name.is_empty() || char_len(&name) > 200 || name.contains(['/', '\\']) {
            return Err(ServiceError::invalid(
                "name",
                "tên tệp 1–200 ký tự, không chứa '/' hoặc '\\'",
            ));
        }
        let declared = declared_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let accepted: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
        if declared != "application/octet-stream" && !accepted.contains(&declared.as_str()) {
            return Err(ServiceError::invalid(
                "content-type",
                format!("chỉ nhận tệp {}", accepted.join(", ")),
            ));
        }
        let media_type = match sniff(content) {
            Some(kind) if declared == "application/octet-stream" || declared == kind => kind,
            Some(kind) => {
                return Err(ServiceError::invalid(
                    "content-type",
                    format!("nội dung tệp là {kind}, không phải {declared} như đã khai"),
                ));
            }
            None => {
                return Err(ServiceError::invalid(
                    "body",
                    format!(
                        "nội dung tệp không phải là một tệp {} hợp lệ",
                        accepted.join(", ")
                    ),
                ));
            }
        };
        if let Some(addr) = self.files.clamd {
            match super::scan::scan(addr, content).await {
                Ok(super::scan::Verdict::Clean) => {}
                Ok(super::scan::Verdict::Infected(signature)) => {
                    tracing::warn!(owner, %signature, "upload refused: malware found");
                    return Err(ServiceError::invalid(
                        "body",
                        format!("tệp chứa mã độc ({signature}); tệp không được nhận"),
                    ));
                }
                Err(e) => {
                    tracing::error!(error = %e, "virus scan unavailable: upload refused");
                    return Err(ServiceError::Unavailable(
                        "Chưa kiểm tra được virus của tệp; hãy thử lại sau ít phút.".to_owned(),
                    ));
                }
            }
        }
        let usage = self.store.file_usage(owner).await?;
        let size = i64::try_from(content.len()).unwrap_or(i64::MAX);
        if usage.loose >= self.files.max_loose_files {
            return Err(ServiceError::Conflict(format!(
                "Bạn đã tải lên {} tệp chưa dùng trong hồ sơ nào; hãy dùng hoặc xóa bớt trước \
                 khi tải thêm (tệp không dùng được xóa sau {} giờ).",
                usage.loose, self.files.loose_file_hours
            )));
        }
        // The byte quota is an applicant's: an official's scans belong to the dossiers of
        // their agency (its records), and only their loose uploads are bounded.
        if !actor.is_official()
            && usage.bytes.saturating_add(size) > self.files.max_bytes_per_account
        {
            return Err(ServiceError::Conflict(format!(
                "Tài khoản đã dùng hết dung lượng lưu tệp ({} MB).",
                self.files.max_bytes_per_account / (1024 * 1024)
            )));
        }
        let meta = FileMeta {
            id: uuid::Uuid::now_v7().to_string(),
            owner_id: owner.to_owned(),
            name,
            media_type: media_type.to_owned(),
            size,
            sha256: crate::crypto::hex(&sha2::Sha256::digest(content)),
        };
        self.store.put_file(&meta, content, now).await?;
        Ok(file_ref(meta))
    }

    /// The actor's uploads and the electronic results issued to them ("my documents": reuse
    /// instead of uploading again), newest first.
    pub async fn my_documents(&self, actor: &Actor) -> ServiceResult<Vec<MyDocument>> {
        let Some(owner) = actor.user_id() else {
            return Ok(Vec::new());
        };
        let mut out: Vec<MyDocument> = self
            .store
            .owned_files(owner, 200)
            .await?
            .into_iter()
            .map(|f| MyDocument {
                file: file_ref(f.meta),
                uploaded_at: Some(f.created_at),
                result_of: None,
            })
            .collect();
        for s in self.store.owned_dossiers(owner, 200).await? {
            let Some(d) = self.store.dossier(&s.code).await? else {
                continue;
            };
            if let Some(file) = d.result.as_ref().and_then(|r| r.file.clone()) {
                out.push(MyDocument {
                    file,
                    uploaded_at: None,
                    result_of: Some(d.code.to_string()),
                });
            }
        }
        Ok(out)
    }

    /// Deletes uploads that no dossier and no draft held for the configured time.
    pub async fn purge_loose_files(&self, now: Timestamp) -> ServiceResult<u64> {
        let before = now
            .checked_sub(jiff::SignedDuration::from_hours(
                self.files.loose_file_hours,
            ))
            .map_err(ServiceError::internal)?;
        Ok(self.store.purge_loose_files(before).await?)
    }

    /// A file of a dossier the actor may read: its metadata and content.
    pub async fn dossier_file(
        &self,
        actor: &Actor,
        now: Timestamp,
        code: &str,
        file_id: &str,
    ) -> ServiceResult<(FileMeta, Vec<u8>)> {
        let d = self.load_visible(actor, now, code).await?;
        let not_found = || ServiceError::NotFound("Không tìm thấy tệp.".to_owned());
        if !dossier_has_file(&d, file_id) {
            return Err(not_found());
        }
        let meta = self.store.file_meta(file_id).await?.ok_or_else(not_found)?;
        let content = self
            .store
            .file_content(file_id)
            .await?
            .ok_or_else(not_found)?;
        Ok((meta, content))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognised_by_their_first_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(
            sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some("image/png")
        );
        assert_eq!(
            sniff(b"\xEF\xBB\xBF  <?xml version=\"1.0\"?>"),
            Some("application/xml")
        );
        assert_eq!(sniff(b"MZ\x90\x00"), None, "an executable is none of them");
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(b""), None);
    }
}
