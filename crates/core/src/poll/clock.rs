//! DashScope's task times (`submit_time`, `scheduled_time`, `end_time`:
//! `YYYY-MM-DD hh:mm:ss.mmm` in the service's local time) as numbers, for differences.
//!
//! Read by hand, digit by digit: no float parser and no `core::fmt` in browser builds.

/// Seconds since 1970-01-01 00:00 of a task time `YYYY-MM-DD hh:mm:ss[.fff…]` (a `T` between
/// date and time is accepted too), read as if it were UTC. The service's time zone is not
/// sent, so only differences between two times of one answer mean anything. `None` for any
/// other text.
pub fn service_time_s(text: &str) -> Option<f64> {
    let b = text.trim().as_bytes();
    let num = |from: usize, to: usize| -> Option<i64> {
        let digits = b.get(from..to)?;
        let mut n = 0i64;
        for &c in digits {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + i64::from(c - b'0');
        }
        Some(n)
    };
    let sep = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b" T") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut fraction = 0.0;
    if b.len() > 19 {
        if b[19] != b'.' || b.len() == 20 {
            return None;
        }
        let mut scale = 0.1;
        for &c in &b[20..] {
            if !c.is_ascii_digit() {
                return None;
            }
            fraction += f64::from(c - b'0') * scale;
            scale *= 0.1;
        }
    }
    let days = days_from_civil(year, month, day);
    Some((days * 86_400 + hour * 3600 + minute * 60 + second) as f64 + fraction)
}

/// Seconds from `from` to `to` (two task times of one answer), if both read.
pub fn service_seconds_between(from: &str, to: &str) -> Option<f64> {
    Some(service_time_s(to)? - service_time_s(from)?)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_times() {
        let submit = "2025-05-15 16:14:44.723";
        let scheduled = "2025-05-15 16:14:44.750";
        let end = "2025-05-15 16:20:09.389";
        let q = service_seconds_between(submit, scheduled).unwrap();
        assert!((q - 0.027).abs() < 1e-6, "{q}");
        let run = service_seconds_between(scheduled, end).unwrap();
        assert!((run - 324.639).abs() < 1e-6, "{run}");
        assert_eq!(service_time_s("1970-01-01 00:00:00"), Some(0.0));
        assert_eq!(service_time_s("1970-01-02T00:00:01"), Some(86_401.0));
    }

    #[test]
    fn crosses_midnight_month_and_leap_day() {
        let d = service_seconds_between("2024-02-28 23:59:59.5", "2024-03-01 00:00:00").unwrap();
        assert!((d - (86_400.0 + 0.5)).abs() < 1e-9, "{d}");
        let d = service_seconds_between("2025-12-31 23:59:00", "2026-01-01 00:01:00").unwrap();
        assert_eq!(d, 120.0);
    }

    #[test]
    fn refuses_other_text() {
        for bad in [
            "",
            "2025-05-15",
            "2025-05-15 16:14",
            "2025/05/15 16:14:44",
            "2025-13-15 16:14:44",
            "2025-05-15 24:00:00",
            "2025-05-15 16:14:44.",
            "2025-05-15 16:14:44.7x",
            "2025-05-15 16:14:44Z",
            "١٢٣٤-05-15 16:14:44",
        ] {
            assert_eq!(service_time_s(bad), None, "{bad}");
        }
    }
}
