/// Wall-clock nanoseconds as an RFC 3339 UTC timestamp with microseconds,
/// `2025-11-25T12:51:03.123456Z`: what log stores (Loki, Elasticsearch,
/// BigQuery) parse without configuration. Computed by hand because it runs
/// once per line and Foundation's formatters allocate.
enum AccessLogTimestamp {
    static func append(_ ns: UInt64, to out: inout AccessLogBuffer) {
        let seconds = ns / 1_000_000_000
        let micros = (ns % 1_000_000_000) / 1_000
        let days = Int64(seconds / 86_400)
        let secondOfDay = seconds % 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        out.appendDecimal(UInt64(year), width: 4)
        out.append(UInt8(ascii: "-"))
        out.appendDecimal(UInt64(month), width: 2)
        out.append(UInt8(ascii: "-"))
        out.appendDecimal(UInt64(day), width: 2)
        out.append(UInt8(ascii: "T"))
        out.appendDecimal(secondOfDay / 3600, width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDecimal(secondOfDay / 60 % 60, width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDecimal(secondOfDay % 60, width: 2)
        out.append(UInt8(ascii: "."))
        out.appendDecimal(micros, width: 6)
        out.append(UInt8(ascii: "Z"))
    }

    /// Proleptic Gregorian date of a day count from 1970-01-01 (days >= 0).
    /// Counts in 400-year eras of 146 097 days, with years starting on
    /// 1 March so the leap day is the last day of its year and the month
    /// lengths from March on follow the (153 * m + 2) / 5 pattern.
    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468  // days from 0000-03-01 to 1970-01-01
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
        let month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
