//! The dossier lifecycle at the web boundary: parsing requests and the views the API and the
//! pages return. The work itself is [`motcua_service::dossier`].

pub mod request;
pub mod view;
