//! Reading the pages' multipart forms (documents with their files): the text fields as a
//! [`FormData`] and the files as they came. The body is read through the edge first (its
//! limit for forms with files, its 413 and 408 as pages), then split into parts.

use axum::{
    body::{Body, Bytes},
    extract::{FromRequest, Multipart, Request},
};

use crate::{edge, error::ApiError, pages::PageError, pages::form::FormData};

/// One file of a form: the field it came in, its name and declared type, and its bytes.
#[derive(Debug)]
pub struct FormFile {
    /// The form field (`tep-3`).
    pub field: String,
    /// The file's name on the applicant's device.
    pub name: String,
    /// The type the browser declared (the service checks the bytes).
    pub media_type: String,
    /// The content.
    pub bytes: Bytes,
}

/// A multipart form.
#[derive(Debug, Default)]
pub struct FilesForm {
    /// Text fields.
    pub fields: FormData,
    /// Files chosen (an empty file input sends a part without a name or bytes: dropped).
    pub files: Vec<FormFile>,
}

fn malformed() -> PageError {
    PageError(ApiError::bad_request(
        "malformed_form",
        "Biểu mẫu gửi lên không đọc được; hãy tải lại trang và gửi lại.",
    ))
}

impl FilesForm {
    /// Reads a `multipart/form-data` request, or a urlencoded one (a form without files).
    pub async fn read(req: Request) -> Result<Self, PageError> {
        let multipart = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !multipart {
            let fields = FormData::from_request(req, &()).await?;
            return Ok(Self {
                fields,
                files: Vec::new(),
            });
        }
        let (parts, body) = req.into_parts();
        let bytes = edge::read_body(body).await?;
        let req = Request::from_parts(parts, Body::from(bytes));
        let mut multipart = Multipart::from_request(req, &())
            .await
            .map_err(|_| malformed())?;
        let mut form = Self::default();
        while let Some(field) = multipart.next_field().await.map_err(|_| malformed())? {
            let name = field.name().unwrap_or_default().to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    let media_type = field.content_type().unwrap_or_default().to_owned();
                    let bytes = field.bytes().await.map_err(|_| malformed())?;
                    if !file_name.is_empty() && !bytes.is_empty() {
                        form.files.push(FormFile {
                            field: name,
                            name: file_name,
                            media_type,
                            bytes,
                        });
                    }
                }
                None => {
                    let value = field.text().await.map_err(|_| malformed())?;
                    form.fields.push(name, value);
                }
            }
        }
        let fields = form.fields.pairs();
        match edge::bad_form_field(fields) {
            Some(e) => Err(PageError(e)),
            None => Ok(form),
        }
    }
}

/// Stores the files of a form through the dossier service (which checks the bytes, the
/// account's quota and, when configured, viruses), each under the document of its field
/// (`tep-N`); returns `(N, file id)` for each file stored. A file refused is a problem at its
/// field saying why, and the others are still stored.
pub async fn store_files(
    state: &crate::state::AppState,
    actor: &motcua_service::Actor,
    files: &[FormFile],
    problems: &mut super::problems::Problems,
) -> Result<Vec<(usize, String)>, PageError> {
    use motcua_service::ServiceError;
    let now = state.clock.now();
    let mut stored = Vec::with_capacity(files.len());
    for file in files {
        let Some(index) = file
            .field
            .strip_prefix("tep-")
            .and_then(|i| i.parse::<usize>().ok())
        else {
            continue;
        };
        let field = format!("tep-{index}");
        if file.bytes.len() > crate::MAX_FILE_BYTES {
            problems.add(
                field,
                format!(
                    "Tệp “{}” lớn hơn {} MB; hãy chụp hoặc quét với độ phân giải thấp hơn",
                    file.name,
                    crate::MAX_FILE_BYTES / (1024 * 1024)
                ),
            );
            continue;
        }
        match state
            .dossiers
            .upload(actor, now, &file.name, &file.media_type, &file.bytes)
            .await
        {
            Ok(r) => stored.push((index, r.id)),
            Err(ServiceError::Invalid(errs)) => {
                let why = errs.first().map(|e| e.message.as_str()).unwrap_or_default();
                problems.add(field, format!("Tệp “{}”: {why}", file.name));
            }
            Err(ServiceError::Conflict(why)) => {
                problems.add(field, format!("Tệp “{}”: {why}", file.name));
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(stored)
}
