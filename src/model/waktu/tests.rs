//! Tests of reading and summing step times.

use super::*;

fn min(s: &str) -> (u64, u64) {
    let d = parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}")).unwrap();
    (d.menit_min, d.menit_max)
}

#[test]
fn reads_every_form_seen_in_the_seeds() {
    let table: &[(&str, u64)] = &[
        ("5 Menit", 5),
        ("5 menit", 5),
        ("10 Menit", 10),
        ("15 menit", 15),
        ("30 Menit", 30),
        ("60 menit", 60),
        ("1 Menit", 1),
        ("2 Menit", 2),
        ("3 Menit", 3),
        ("1 Jam", 60),
        ("1 jam", 60),
        ("1.Jam", 60),
        ("1jam", 60),
        ("2 Jam", 120),
        ("3 Jam", 180),
        ("6 Jam", 360),
        ("12 Jam", 720),
        ("24 Jam", 1440),
        ("1 Hari", 1440),
        ("1 hari", 1440),
        ("2 Hari", 2880),
        ("3 hari", 3 * 1440),
        ("5 Hari", 5 * 1440),
        ("7 Hari", 7 * 1440),
        ("10 hari", 10 * 1440),
        ("14 hari", 14 * 1440),
        ("15 Hari", 15 * 1440),
        ("30 hari", 30 * 1440),
        ("30 Hari", 30 * 1440),
        ("1 hari kerja", 1440),
        ("1 hari\nkerja", 1440),
        ("Mak. 1 Minggu", 7 * 1440),
        ("1 Minggu", 7 * 1440),
        ("1 Bulan", 30 * 1440),
        ("5", 5),
        ("10", 10),
        ("60", 60),
        ("0,5 jam", 30),
        ("2 HK", 2 * 1440),
        ("30 detik", 1),
    ];
    for (text, want) in table {
        assert_eq!(min(text), (*want, *want), "{text:?}");
    }
    assert_eq!(min("960-1440"), (960, 1440));
    assert_eq!(min("1 s.d. 2 hari"), (1440, 2880));
    assert!(parse("1 hari kerja").unwrap().unwrap().hari_kerja);
    assert!(parse("Mak. 1 Minggu").unwrap().unwrap().maksimal);
}

#[test]
fn prints_the_unit_always_in_lower_case_and_in_full() {
    let table: &[(&str, &str)] = &[
        ("5", "5 menit"),
        ("1.Jam", "1 jam"),
        ("1 Hari", "1 hari"),
        ("1jam", "1 jam"),
        ("15 Mnt", "15 menit"),
        ("2 HK", "2 hari kerja"),
        ("1 hari\nkerja", "1 hari kerja"),
        ("Mak. 1 Minggu", "maks. 1 minggu"),
        ("960-1440", "960–1440 menit"),
        ("1 s.d. 2 hari", "1–2 hari"),
        ("0,5 jam", "0,5 jam"),
        ("segera", "segera"),
        ("5  kali", "5 kali"),
    ];
    for (text, want) in table {
        assert_eq!(tampil(text), *want, "{text:?}");
    }
    assert!(tanpa_satuan("5"));
    assert!(tanpa_satuan("960-1440"));
    assert!(!tanpa_satuan("5 menit"));
    assert!(!tanpa_satuan("segera"));
    let w = Waktu {
        teks: "1.Jam".into(),
        durasi: parse("1.Jam").unwrap(),
    };
    let json = serde_json::to_value(&w).unwrap();
    assert_eq!(json["teks"], "1 jam");
    assert_eq!(json["asli"], "1.Jam");
}

#[test]
fn absurd_times_add_up_without_overflow() {
    let huge = Waktu {
        teks: "99999999999999999999".into(),
        durasi: parse("99999999999999999999").unwrap(),
    };
    let mut t = TotalWaktu::default();
    t.add(Some(&huge));
    t.add(Some(&huge));
    assert_eq!(t.menit_min, u64::MAX);
    assert!(!t.teks().is_empty());
}

#[test]
fn empty_is_not_stated_and_nonsense_is_an_error() {
    assert_eq!(parse(""), Ok(None));
    assert_eq!(parse("  - "), Ok(None));
    assert_eq!(parse("segera"), Err(WaktuError::NoAmount));
    assert_eq!(parse("5 kali"), Err(WaktuError::UnknownUnit("kali".into())));
    assert_eq!(
        parse("5 menit lagi"),
        Err(WaktuError::Trailing("lagi".into()))
    );
    assert_eq!(parse("10-5"), Err(WaktuError::BadRange));
}

#[test]
fn a_clock_time_is_told_as_such_with_what_to_write() {
    for (text, menit, hint) in [
        ("1:30 jam", 90, "tulis `90 menit` atau `1,5 jam`"),
        ("0:45", 45, "tulis `45 menit` atau `0,75 jam`"),
        ("2:00 jam", 120, "tulis `120 menit` atau `2 jam`"),
        ("1:10", 70, "tulis `70 menit`"),
    ] {
        let e = parse(text).unwrap_err();
        assert_eq!(e, WaktuError::JamMenit(menit), "{text}");
        assert_eq!(e.hint().as_deref(), Some(hint), "{text}");
        assert!(!e.to_string().contains("``"), "{e}");
    }
    // What the hints say is read.
    assert_eq!(min("1,5 jam"), (90, 90));
    assert_eq!(min("0,75 jam"), (45, 45));
    assert_eq!(
        parse("5/menit").unwrap_err().to_string(),
        "tidak ada satuan yang dikenal setelah angka"
    );
}

#[test]
fn formats_totals_in_indonesian() {
    assert_eq!(format_menit(0), "0 menit");
    assert_eq!(format_menit(15), "15 menit");
    assert_eq!(
        format_menit(2 * 1440 + 3 * 60 + 15),
        "2 hari 3 jam 15 menit"
    );
    assert_eq!(format_menit(1440), "1 hari");
}

#[test]
fn unreadable_steps_make_the_total_a_lower_bound_never_zero() {
    let w = |t: &str| Waktu {
        teks: t.into(),
        durasi: parse(t).ok().flatten(),
    };
    let mut total = TotalWaktu::default();
    assert_eq!(total.teks(), "tidak diketahui");
    total.add(Some(&w("segera")));
    assert_eq!(
        total.teks(),
        "tidak diketahui (1 langkah waktunya tidak terbaca)"
    );
    total.add(Some(&w("1 jam")));
    total.add(Some(&w("15 menit")));
    total.add(None);
    assert_eq!(
        total.teks(),
        "lebih dari 1 jam 15 menit (1 langkah tanpa waktu, 1 langkah waktunya tidak terbaca)"
    );
    assert_eq!(total.langkah_tanpa_waktu, 1);
    let mut r = TotalWaktu::default();
    r.add(Some(&w("960-1440")));
    assert_eq!(r.teks(), "16 jam – 1 hari");
}

#[test]
fn a_step_without_waktu_makes_the_total_a_lower_bound() {
    // Aktivasi BPJS APBD: six timed steps (51 minutes) and two without a time.
    let mut t = TotalWaktu::default();
    for m in [
        "15 menit", "15 Menit", "10 menit", "5 menit", "5 menit", "1 menit",
    ] {
        t.add(Some(&Waktu {
            teks: m.into(),
            durasi: parse(m).unwrap(),
        }));
    }
    assert_eq!(t.teks(), "51 menit");
    t.add(None);
    t.add(Some(&Waktu {
        teks: " ".into(),
        durasi: None,
    }));
    assert_eq!(t.teks(), "lebih dari 51 menit (2 langkah tanpa waktu)");
}

#[test]
fn no_mix_of_known_and_missing_times_reads_as_an_exact_total() {
    // Every order and mix of timed, untimed and unreadable steps: the total names the
    // missing ones whenever there are any.
    let forms = [
        "5 menit",
        "2 hari",
        "1 hari kerja",
        "",
        "segera",
        "960-1440",
    ];
    for a in 0..forms.len() {
        for b in 0..forms.len() {
            for c in 0..forms.len() {
                let mut t = TotalWaktu::default();
                let mut unknown = 0;
                for k in [a, b, c] {
                    let teks = forms[k];
                    if teks.is_empty() {
                        t.add(None);
                        unknown += 1;
                    } else {
                        let durasi = parse(teks).ok().flatten();
                        unknown += usize::from(durasi.is_none());
                        t.add(Some(&Waktu {
                            teks: teks.into(),
                            durasi,
                        }));
                    }
                }
                let s = t.teks();
                if unknown > 0 {
                    assert!(
                        s.starts_with("lebih dari ") || s.starts_with("tidak diketahui ("),
                        "{:?} → {s}",
                        [forms[a], forms[b], forms[c]]
                    );
                } else {
                    assert!(
                        !s.contains("lebih dari") && !s.contains("tidak diketahui"),
                        "{s}"
                    );
                }
            }
        }
    }
}

#[test]
fn working_days_are_named_when_the_steps_count_them() {
    let w = |t: &str| Waktu {
        teks: t.into(),
        durasi: parse(t).unwrap(),
    };
    let mut t = TotalWaktu::default();
    t.add(Some(&w("1 hari kerja")));
    t.add(Some(&w("2 HK")));
    t.add(Some(&w("15 menit")));
    assert_eq!(t.teks(), "3 hari kerja 15 menit");
    // A calendar week among them: the days are no longer all working days.
    t.add(Some(&w("1 minggu")));
    assert_eq!(t.teks(), "10 hari 15 menit");
}
