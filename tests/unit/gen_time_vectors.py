#!/usr/bin/env python3
"""Generate tests/unit/data/time_vectors.txt for tests/unit/test_time.c.

Reference: Python's datetime (proleptic Gregorian, ISO weeks) and
zoneinfo, which reads the same system tz database.  zoneinfo with fold=0
resolves a DST gap with the offset before the transition and an overlap
with the earlier offset - the same instants java.time.ZonedDateTime.of
gives.

Line format:
  civil DAYS Y M D
  off ZONE UTC_MS OFFSET_SECONDS
  l2u ZONE LOCAL_MS UTC_MS
  ext UNIT MS VALUE        (wall-clock millis; EXTRACT as Flink)
  fmt PATTERN MS TEXT      (DATE_FORMAT; PATTERN and TEXT quoted)

Usage: LC_ALL=C python3 tests/unit/gen_time_vectors.py > tests/unit/data/time_vectors.txt
"""
import datetime as dt
import random
import zoneinfo

random.seed(424242)
EPOCH = dt.datetime(1970, 1, 1)
ZONES = ["Asia/Shanghai", "America/New_York", "Europe/London",
         "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo",
         "Pacific/Chatham", "Europe/Berlin", "America/Los_Angeles",
         "Asia/Tokyo", "Africa/Casablanca", "Pacific/Apia", "UTC"]


def ms_of(d):
    delta = d - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


def main():
    for _ in range(300):
        days = random.randint(-719162, 2932896)  # 0001-01-01 .. 9999-12-31
        d = dt.date(1970, 1, 1) + dt.timedelta(days=days)
        print("civil", days, d.year, d.month, d.day)
    for z in ZONES:
        zi = zoneinfo.ZoneInfo(z)
        for _ in range(40):
            utc = random.randint(-2208988800, 4102444800) * 1000  # 1900..2100
            u = dt.datetime.fromtimestamp(utc / 1000, dt.timezone.utc)
            off = int(u.astimezone(zi).utcoffset().total_seconds())
            print("off", z, utc, off)
        for _ in range(40):
            local = random.randint(-2208988800, 4102444800) * 1000
            ld = EPOCH + dt.timedelta(milliseconds=local)
            utc = int(ld.replace(tzinfo=zi, fold=0).timestamp() * 1000)
            print("l2u", z, local, utc)
    # around DST transitions: every 30 minutes over a few transition days
    for z, days in [("America/New_York", ["2024-03-10", "2024-11-03",
                                          "2050-03-13", "2050-11-06"]),
                    ("Europe/London", ["2024-03-31", "2024-10-27"]),
                    ("Australia/Sydney", ["2024-04-07", "2024-10-06",
                                          "2060-04-04"])]:
        zi = zoneinfo.ZoneInfo(z)
        for dstr in days:
            base = dt.datetime.fromisoformat(dstr)
            for k in range(0, 48 * 2):
                ld = base + dt.timedelta(minutes=30 * k - 12 * 60)
                utc = int(ld.replace(tzinfo=zi, fold=0).timestamp() * 1000)
                print("l2u", z, ms_of(ld), utc)
                u = dt.datetime.fromtimestamp(utc / 1000 + 0.0, dt.timezone.utc)
                print("off", z, utc, int(u.astimezone(zi).utcoffset().total_seconds()))
    for _ in range(120):
        ms = random.randint(-62135596800000, 253402300799999)
        d = EPOCH + dt.timedelta(milliseconds=ms)
        iso = d.isocalendar()
        vals = {
            "YEAR": d.year, "MONTH": d.month, "DAY": d.day,
            "HOUR": d.hour, "MINUTE": d.minute, "SECOND": d.second,
            "MILLISECOND": d.microsecond // 1000,
            "QUARTER": (d.month + 2) // 3,
            "DOW": d.isoweekday() % 7 + 1,
            "ISODOW": d.isoweekday(),
            "DOY": d.timetuple().tm_yday,
            "WEEK": iso[1], "ISOYEAR": iso[0],
        }
        for u, v in vals.items():
            print("ext", u, ms, v)
    pats = ["yyyy-MM-dd HH:mm:ss", "yyyyMMdd", "yy/M/d H:m:s.SSS",
            "EEE, d MMM yyyy", "EEEE MMMM dd", "hh:mm a", "D", "'T'HH'h'''"]
    for _ in range(30):
        ms = random.randint(0, 4102444800000)
        d = EPOCH + dt.timedelta(milliseconds=ms)
        for p in pats:
            print("fmt", "'" + p + "'", ms, "'" + java_fmt(d, p) + "'")


def java_fmt(d, p):
    if p == "yyyy-MM-dd HH:mm:ss":
        return d.strftime("%Y-%m-%d %H:%M:%S")
    if p == "yyyyMMdd":
        return d.strftime("%Y%m%d")
    if p == "yy/M/d H:m:s.SSS":
        return "%02d/%d/%d %d:%d:%d.%03d" % (d.year % 100, d.month, d.day,
                                             d.hour, d.minute, d.second,
                                             d.microsecond // 1000)
    if p == "EEE, d MMM yyyy":
        return "%s, %d %s %04d" % (d.strftime("%a"), d.day, d.strftime("%b"),
                                   d.year)
    if p == "EEEE MMMM dd":
        return "%s %s %02d" % (d.strftime("%A"), d.strftime("%B"), d.day)
    if p == "hh:mm a":
        h = d.hour % 12 or 12
        return "%02d:%02d %s" % (h, d.minute, "AM" if d.hour < 12 else "PM")
    if p == "D":
        return str(d.timetuple().tm_yday)
    if p == "'T'HH'h'''":
        return "T%02dh'" % d.hour
    raise ValueError(p)


if __name__ == "__main__":
    main()
