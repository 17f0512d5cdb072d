//! The timestamp formats DashScope and OSS use, written and read with the `time` crate.
//!
//! Epoch milliseconds are the simulator's clock; a UTC offset (minutes) shifts them to the
//! DashScope regions' local time. Each format is one `time` format description, so the
//! parsers are exactly as strict as the formats: fixed-width zero-padded fields, valid
//! calendar dates (no `02-30`), seconds `00`–`59`, and no sign before the year.

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

/// `YYYY-MM-DD HH:MM:SS.mmm`: `submit_time`, `scheduled_time`, `end_time` of a task.
const TASK_TIME: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:3]");

/// `YYYY-MM-DD`: the date part of an upload directory.
const DATE: &[BorrowedFormatItem<'_>] = format_description!("[year]-[month]-[day]");

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`: the `expiration` of an OSS POST policy (written with
/// milliseconds; read with or without them).
const ISO_UTC: &[BorrowedFormatItem<'_>] = format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond digits:3]]]Z"
);

/// `YYYYMMDDhhmmss`: the `start_time` / `end_time` filters of a task list.
const COMPACT: &[BorrowedFormatItem<'_>] =
    format_description!("[year][month][day][hour][minute][second]");

/// Nanoseconds per millisecond.
const NS_PER_MS: i128 = 1_000_000;

/// The civil time of `epoch_ms` shifted by `offset_minutes`. Past the year 9999 (a clock
/// advanced by millennia) it stays at the last representable instant.
fn civil(epoch_ms: u64, offset_minutes: i32) -> PrimitiveDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(epoch_ms) * NS_PER_MS)
        .ok()
        .and_then(|utc| utc.checked_add(Duration::minutes(i64::from(offset_minutes))))
        .map_or(PrimitiveDateTime::MAX, |t| {
            PrimitiveDateTime::new(t.date(), t.time())
        })
}

/// Writes `t` in `format`. The formats above only hold numeric fields of a year within
/// 0000–9999, which always format, so the empty fallback is never taken.
fn write(t: PrimitiveDateTime, format: &[BorrowedFormatItem<'_>]) -> String {
    t.format(format).unwrap_or_default()
}

/// Reads `s` in `format` as a time `offset_minutes` ahead of UTC, to epoch ms; `None` if it
/// does not match or lies before the epoch. A leading `+`/`-` (a signed year, which `time`
/// would accept) is refused: DashScope and OSS write bare digits.
fn read(s: &str, format: &[BorrowedFormatItem<'_>], offset_minutes: i32) -> Option<u64> {
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let local = PrimitiveDateTime::parse(s, format).ok()?.assume_utc();
    let ms = local.unix_timestamp_nanos() / NS_PER_MS - i128::from(offset_minutes) * 60_000;
    u64::try_from(ms).ok()
}

/// `YYYY-MM-DD HH:MM:SS.mmm` in the given UTC offset: the task timestamps of a task query.
pub fn task_time(epoch_ms: u64, offset_minutes: i32) -> String {
    write(civil(epoch_ms, offset_minutes), TASK_TIME)
}

/// `YYYY-MM-DD` in the given UTC offset: the date part of an upload directory.
pub fn date(epoch_ms: u64, offset_minutes: i32) -> String {
    write(civil(epoch_ms, offset_minutes), DATE)
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC): the `expiration` of an OSS POST policy.
pub fn iso_utc(epoch_ms: u64) -> String {
    write(civil(epoch_ms, 0), ISO_UTC)
}

/// Parses the list filter format `YYYYMMDDhhmmss` in the given UTC offset to epoch ms.
pub fn parse_compact(s: &str, offset_minutes: i32) -> Option<u64> {
    read(s, COMPACT, offset_minutes)
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.mmm]Z` (what [`iso_utc`] writes) to epoch ms.
pub fn parse_iso_utc(s: &str) -> Option<u64> {
    read(s, ISO_UTC, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2025-05-15 08:14:44.723 UTC
    const T: u64 = 1_747_296_884_723;
    // 2024-02-29 23:59:59.999 UTC (a leap day's last millisecond)
    const LEAP: u64 = 1_709_251_199_999;
    // 2025-12-31 20:00:00.000 UTC: already 2026 in UTC+8
    const NEW_YEAR: u64 = 1_767_211_200_000;
    // 9999-12-31 23:59:59.999 UTC: the last millisecond of year 9999
    const LAST: u64 = 253_402_300_799_999;

    #[test]
    fn formats_task_time_in_offset() {
        assert_eq!(task_time(T, 0), "2025-05-15 08:14:44.723");
        assert_eq!(task_time(T, 480), "2025-05-15 16:14:44.723");
        assert_eq!(task_time(T, -300), "2025-05-15 03:14:44.723");
        assert_eq!(task_time(T, 345), "2025-05-15 13:59:44.723");
        assert_eq!(task_time(0, 0), "1970-01-01 00:00:00.000");
        assert_eq!(task_time(0, -60), "1969-12-31 23:00:00.000");
        assert_eq!(task_time(7, 0), "1970-01-01 00:00:00.007");
        assert_eq!(task_time(LEAP, 0), "2024-02-29 23:59:59.999");
        assert_eq!(task_time(LEAP + 1, 0), "2024-03-01 00:00:00.000");
        assert_eq!(task_time(NEW_YEAR, 480), "2026-01-01 04:00:00.000");
        assert_eq!(task_time(NEW_YEAR, 0), "2025-12-31 20:00:00.000");
        assert_eq!(task_time(LAST, 0), "9999-12-31 23:59:59.999");
    }

    #[test]
    fn formats_dates_in_offset() {
        assert_eq!(date(T, 480), "2025-05-15");
        assert_eq!(date(NEW_YEAR, 480), "2026-01-01");
        assert_eq!(date(NEW_YEAR, 0), "2025-12-31");
        assert_eq!(date(LEAP, 0), "2024-02-29");
        assert_eq!(date(0, -1), "1969-12-31");
    }

    #[test]
    fn formats_iso_utc() {
        assert_eq!(iso_utc(T), "2025-05-15T08:14:44.723Z");
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_utc(LEAP), "2024-02-29T23:59:59.999Z");
        assert_eq!(iso_utc(NEW_YEAR + 50), "2025-12-31T20:00:00.050Z");
    }

    #[test]
    fn iso_round_trips() {
        for t in [0, 1, T, LEAP, NEW_YEAR, LAST] {
            assert_eq!(parse_iso_utc(&iso_utc(t)), Some(t), "{t}");
        }
        assert_eq!(parse_iso_utc("2025-05-15T08:14:44.723Z"), Some(T));
        assert_eq!(parse_iso_utc("2025-05-15T08:14:44Z"), Some(T - 723));
        assert_eq!(
            parse_iso_utc("2024-02-29T00:00:00Z"),
            Some(LEAP - 86_399_999)
        );
    }

    #[test]
    fn refuses_other_iso_shapes() {
        for s in [
            "2025-05-15 08:14:44Z",
            "2025-02-30T08:14:44Z",
            "2025-05-15T08:14:44.72Z",
            "2025-05-15T08:14:44.7234Z",
            "2025-05-15T08:14:44.Z",
            "2025-05-15T08:14:44.723",
            "2025-05-15T08:14:44.723z",
            "2025-05-15T08:14:44.723Z ",
            "2025-05-15T08:14:60Z",
            "2025-05-15T24:00:00Z",
            "2025-5-15T08:14:44Z",
            "+2025-05-15T08:14:44Z",
            "2025-05-15T08:14:44+00:00",
            "",
        ] {
            assert_eq!(parse_iso_utc(s), None, "{s:?}");
        }
    }

    #[test]
    fn parses_compact_filter_times() {
        assert_eq!(parse_compact("20250515161444", 480), Some(T - 723));
        assert_eq!(parse_compact("20250515081444", 0), Some(T - 723));
        assert_eq!(parse_compact("20250515031444", -300), Some(T - 723));
        assert_eq!(parse_compact("19700101080000", 480), Some(0));
        assert_eq!(parse_compact("20260101040000", 480), Some(NEW_YEAR));
        assert_eq!(parse_compact("99991231235959", 0), Some(LAST - 999));
        // Leap day exists in 2024, not in 2025.
        assert_eq!(parse_compact("20240229000000", 0), Some(LEAP - 86_399_999));
        assert_eq!(parse_compact("20250229000000", 0), None);
    }

    #[test]
    fn refuses_other_compact_shapes() {
        for s in [
            "2025051516144",
            "202505151614440",
            "20251315161444",
            "20250015161444",
            "20250500161444",
            "20250431161444",
            "20250515241444",
            "20250515166044",
            "20250515161460",
            "2025051516144x",
            "+2025051516144",
            "+20250515161444",
            " 20250515161444",
            "2025-05-15 16:1",
            "",
        ] {
            assert_eq!(parse_compact(s, 480), None, "{s:?}");
        }
        // Before the epoch once the offset is taken off.
        assert_eq!(parse_compact("19700101000000", 480), None);
        assert_eq!(parse_compact("19691231235959", 0), None);
    }
}
