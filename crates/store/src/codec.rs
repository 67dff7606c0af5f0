//! Column codecs shared by both engines.
//!
//! Instants are `TIMESTAMPTZ` on PostgreSQL (what an operator expects to query) and integer
//! microseconds since the Unix epoch on SQLite (fixed width, so ordering and range scans are
//! exact; SQLite text timestamps with varying fractional digits do not sort correctly).
//! Civil dates are `DATE` on PostgreSQL and `YYYY-MM-DD` text on SQLite.

use jiff::{Timestamp, civil::Date};
use sqlx::{
    Decode, Encode, Postgres, Sqlite, Type,
    encode::IsNull,
    error::BoxDynError,
    postgres::{PgArgumentBuffer, PgTypeInfo, PgValueFormat, PgValueRef},
    sqlite::{SqliteArgumentsBuffer, SqliteTypeInfo, SqliteValueRef},
};

/// Microseconds between the Unix epoch and PostgreSQL's epoch (2000-01-01T00:00:00Z).
const PG_EPOCH_OFFSET_MICROS: i64 = 946_684_800_000_000;

/// Days between 1970-01-01 and 2000-01-01 (PostgreSQL's `DATE` epoch).
const PG_EPOCH_OFFSET_DAYS: i32 = 10_957;

/// An instant as stored in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DbTime(pub Timestamp);

/// A civil date as stored in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DbDate(pub Date);

fn micros_to_timestamp(us: i64) -> Result<Timestamp, BoxDynError> {
    Ok(Timestamp::from_microsecond(us)?)
}

impl Type<Sqlite> for DbTime {
    fn type_info() -> SqliteTypeInfo {
        <i64 as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <i64 as Type<Sqlite>>::compatible(ty)
    }
}

impl Encode<'_, Sqlite> for DbTime {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        Encode::<Sqlite>::encode(self.0.as_microsecond(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for DbTime {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let us = <i64 as Decode<Sqlite>>::decode(value)?;
        Ok(Self(micros_to_timestamp(us)?))
    }
}

impl Type<Postgres> for DbTime {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_name("timestamptz")
    }
}

impl Encode<'_, Postgres> for DbTime {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        // The binary TIMESTAMPTZ format is a big-endian i64 of microseconds since 2000-01-01.
        Encode::<Postgres>::encode(self.0.as_microsecond() - PG_EPOCH_OFFSET_MICROS, buf)
    }
    fn size_hint(&self) -> usize {
        8
    }
}

impl<'r> Decode<'r, Postgres> for DbTime {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        match value.format() {
            PgValueFormat::Binary => {
                let us = <i64 as Decode<Postgres>>::decode(value)?;
                Ok(Self(micros_to_timestamp(us + PG_EPOCH_OFFSET_MICROS)?))
            }
            PgValueFormat::Text => {
                // e.g. "2026-02-13 02:00:00.5+00": PostgreSQL prints the offset as ±HH, jiff
                // wants ±HH:MM.
                let s = value.as_str()?.replace(' ', "T");
                let s = match s.rfind(['+', '-']) {
                    Some(i) if i > 10 && s.len() - i == 3 => format!("{s}:00"),
                    _ => s,
                };
                Ok(Self(s.parse()?))
            }
        }
    }
}

impl Type<Sqlite> for DbDate {
    fn type_info() -> SqliteTypeInfo {
        <&str as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <&str as Type<Sqlite>>::compatible(ty)
    }
}

impl Encode<'_, Sqlite> for DbDate {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        Encode::<Sqlite>::encode(self.0.to_string(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for DbDate {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let s = <&str as Decode<Sqlite>>::decode(value)?;
        Ok(Self(s.parse()?))
    }
}

impl Type<Postgres> for DbDate {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_name("date")
    }
}

impl Encode<'_, Postgres> for DbDate {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        let days = self.0.since(jiff::civil::date(1970, 1, 1))?.get_days();
        Encode::<Postgres>::encode(days - PG_EPOCH_OFFSET_DAYS, buf)
    }
    fn size_hint(&self) -> usize {
        4
    }
}

impl<'r> Decode<'r, Postgres> for DbDate {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        match value.format() {
            PgValueFormat::Binary => {
                let days = <i32 as Decode<Postgres>>::decode(value)?;
                let d = jiff::civil::date(2000, 1, 1).checked_add(jiff::Span::new().days(days))?;
                Ok(Self(d))
            }
            PgValueFormat::Text => Ok(Self(value.as_str()?.parse()?)),
        }
    }
}
