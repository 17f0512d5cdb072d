//! Calendar arithmetic for the timestamp formats DashScope and OSS use.
//!
//! Hand-rolled (Howard Hinnant's civil-date algorithms) because the simulator only needs four
//! fixed formats and a date crate would be a heavy dependency for that.

/// Milliseconds in one day.
const DAY_MS: i64 = 86_400_000;

/// A broken-down civil time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    milli: u32,
}

/// Days since 1970-01-01 for a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn to_civil(epoch_ms: i64) -> Civil {
    let days = epoch_ms.div_euclid(DAY_MS);
    let rem = epoch_ms.rem_euclid(DAY_MS);
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: (rem / 3_600_000) as u32,
        minute: (rem / 60_000 % 60) as u32,
        second: (rem / 1000 % 60) as u32,
        milli: (rem % 1000) as u32,
    }
}

fn from_civil(c: Civil) -> i64 {
    days_from_civil(c.year, c.month, c.day) * DAY_MS
        + i64::from(c.hour) * 3_600_000
        + i64::from(c.minute) * 60_000
        + i64::from(c.second) * 1000
        + i64::from(c.milli)
}

/// `YYYY-MM-DD HH:MM:SS.mmm` in the given UTC offset: the task timestamps of a task query.
pub fn task_time(epoch_ms: u64, offset_minutes: i32) -> String {
    let c = to_civil(epoch_ms as i64 + i64::from(offset_minutes) * 60_000);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
        c.year, c.month, c.day, c.hour, c.minute, c.second, c.milli
    )
}

/// `YYYY-MM-DD` in the given UTC offset: the date part of an upload directory.
pub fn date(epoch_ms: u64, offset_minutes: i32) -> String {
    let c = to_civil(epoch_ms as i64 + i64::from(offset_minutes) * 60_000);
    format!("{:04}-{:02}-{:02}", c.year, c.month, c.day)
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC): the `expiration` of an OSS POST policy.
pub fn iso_utc(epoch_ms: u64) -> String {
    let c = to_civil(epoch_ms as i64);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second, c.milli
    )
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn checked(c: Civil) -> Option<i64> {
    let valid = (1..=12).contains(&c.month)
        && c.day >= 1
        && c.day <= 31
        && c.hour < 24
        && c.minute < 60
        && c.second < 60;
    if !valid {
        return None;
    }
    let ms = from_civil(c);
    // Reject days that roll over into the next month (e.g. 02-30).
    (to_civil(ms) == c).then_some(ms)
}

/// Parses the list filter format `YYYYMMDDhhmmss` in the given UTC offset to epoch ms.
pub fn parse_compact(s: &str, offset_minutes: i32) -> Option<u64> {
    if s.len() != 14 || !s.is_ascii() {
        return None;
    }
    let c = Civil {
        year: i64::from(digits(&s[0..4])?),
        month: digits(&s[4..6])?,
        day: digits(&s[6..8])?,
        hour: digits(&s[8..10])?,
        minute: digits(&s[10..12])?,
        second: digits(&s[12..14])?,
        milli: 0,
    };
    let local = checked(c)?;
    u64::try_from(local - i64::from(offset_minutes) * 60_000).ok()
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.mmm]Z` (what [`iso_utc`] writes) to epoch ms.
pub fn parse_iso_utc(s: &str) -> Option<u64> {
    let s = s.strip_suffix('Z')?;
    if !s.is_ascii() || s.len() < 19 {
        return None;
    }
    let b = s.as_bytes();
    if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let milli = match &s[19..] {
        "" => 0,
        frac => {
            let frac = frac.strip_prefix('.')?;
            if frac.len() != 3 {
                return None;
            }
            digits(frac)?
        }
    };
    let c = Civil {
        year: i64::from(digits(&s[0..4])?),
        month: digits(&s[5..7])?,
        day: digits(&s[8..10])?,
        hour: digits(&s[11..13])?,
        minute: digits(&s[14..16])?,
        second: digits(&s[17..19])?,
        milli,
    };
    u64::try_from(checked(c)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2025-05-15 08:14:44.723 UTC
    const T: u64 = 1_747_296_884_723;

    #[test]
    fn formats_task_time_in_offset() {
        assert_eq!(task_time(T, 0), "2025-05-15 08:14:44.723");
        assert_eq!(task_time(T, 480), "2025-05-15 16:14:44.723");
        assert_eq!(date(T, 480), "2025-05-15");
        assert_eq!(task_time(0, 0), "1970-01-01 00:00:00.000");
    }

    #[test]
    fn iso_round_trips() {
        let s = iso_utc(T);
        assert_eq!(s, "2025-05-15T08:14:44.723Z");
        assert_eq!(parse_iso_utc(&s), Some(T));
        assert_eq!(parse_iso_utc("2025-05-15T08:14:44Z"), Some(T - 723));
        assert_eq!(parse_iso_utc("2025-05-15 08:14:44Z"), None);
        assert_eq!(parse_iso_utc("2025-02-30T08:14:44Z"), None);
    }

    #[test]
    fn parses_compact_filter_times() {
        assert_eq!(parse_compact("20250515161444", 480), Some(T - 723));
        assert_eq!(parse_compact("20250515081444", 0), Some(T - 723));
        assert_eq!(parse_compact("2025051516144", 480), None);
        assert_eq!(parse_compact("20251315161444", 480), None);
        assert_eq!(parse_compact("2025051516144x", 480), None);
        // Leap day exists in 2024, not in 2025.
        assert!(parse_compact("20240229000000", 0).is_some());
        assert_eq!(parse_compact("20250229000000", 0), None);
    }
}
