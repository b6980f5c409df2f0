//! Synthetic content for benchmarks: `cargo run --release --example gen -- N DIR [--keputusan]`
//! writes a project with N valid SOPs spread over several instansi and bidang, sized like the
//! real ones (5–22 steps, 3–11 actors, decisions, lists of legal bases), with a decree per
//! instansi when asked. Deterministic for a given N.

use std::fmt::Write as _;
use std::path::Path;

/// A tiny deterministic generator (64-bit LCG), so every run writes the same files.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const ACTORS: &[&str] = &[
    "Pemohon",
    "Petugas Pelayanan",
    "Staf",
    "Kasubbag",
    "Kepala Seksi",
    "Kepala Bidang",
    "Sekretaris",
    "Kepala Dinas",
    "TKSK",
    "Kantor Kecamatan",
    "LKSA",
];
const VERBS: &[&str] = &[
    "Menerima",
    "Memeriksa",
    "Mengagendakan",
    "Menyusun",
    "Menelaah",
    "Memaraf",
    "Menandatangani",
    "Menyampaikan",
    "Mengarsipkan",
    "Memverifikasi",
    "Mendisposisikan",
    "Mengirimkan",
];
const OBJECTS: &[&str] = &[
    "berkas permohonan",
    "surat rekomendasi",
    "data penerima bantuan",
    "konsep surat keputusan",
    "laporan kegiatan",
    "nota dinas",
    "dokumen persyaratan",
    "daftar hadir rapat",
];
const WAKTU: &[&str] = &[
    "5 menit",
    "10 Menit",
    "15 menit",
    "30 menit",
    "1 jam",
    "2 Jam",
    "1 hari",
    "2 Hari",
    "1 hari kerja",
    "Mak. 1 Minggu",
    "60",
];
const LAWS: &[&str] = &[
    "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
    "Undang-Undang Nomor 11 Tahun 2009 tentang Kesejahteraan Sosial",
    "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah",
    "Peraturan Pemerintah Nomor 39 Tahun 2012 tentang Penyelenggaraan Kesejahteraan Sosial",
    "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 35 Tahun 2012",
    "Peraturan Menteri Sosial Nomor 9 Tahun 2018 tentang Standar Teknis Pelayanan Dasar",
];

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn sop(rng: &mut Rng, n: usize) -> String {
    let steps = 5 + rng.below(18) as usize;
    let actor_count = 3 + rng.below(9) as usize;
    let actors: Vec<&str> = ACTORS[..actor_count].to_vec();
    let steps = steps.max(actor_count);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "nomor: \"800/{n}/SOP/2024\"\nnama: Layanan Sintetis Nomor {n}\ntanggal_pembuatan: 2024-01-{:02}",
        1 + n % 28
    );
    s.push_str("dasar_hukum:\n");
    for _ in 0..2 + rng.below(5) {
        let _ = writeln!(s, "  - {}", rng.pick(LAWS));
    }
    s.push_str("kualifikasi_pelaksana:\n  - Memahami tugas pokok dan fungsi\n  - Mampu mengoperasikan komputer\n");
    s.push_str("keterkaitan:\n  - SOP Surat Masuk\nperalatan_perlengkapan:\n  - Komputer\n  - Printer\n  - Alat tulis kantor\n");
    s.push_str("peringatan:\n  - Apabila SOP ini tidak dilaksanakan, layanan terlambat\npencatatan_pendataan:\n  - Disimpan sebagai arsip elektronik dan manual\n");
    s.push_str("pelaksana:\n");
    for a in &actors {
        let _ = writeln!(s, "  - {a}");
    }
    s.push_str("langkah:\n");
    for i in 1..=steps {
        // Every actor acts at least once: the first steps walk the columns in order.
        let actor = if i <= actors.len() {
            actors[i - 1]
        } else {
            actors[rng.below(actors.len() as u64) as usize]
        };
        let _ = writeln!(
            s,
            "  - kegiatan: {} {}\n    pelaksana: {actor}",
            rng.pick(VERBS),
            rng.pick(OBJECTS)
        );
        if i > 2 && i < steps && rng.below(6) == 0 {
            let _ = writeln!(
                s,
                "    jenis: keputusan\n    tidak: {}",
                1 + rng.below(i as u64 - 1)
            );
        }
        let _ = writeln!(
            s,
            "    kelengkapan: {}\n    waktu: {}\n    output: {}",
            rng.pick(OBJECTS),
            rng.pick(WAKTU),
            rng.pick(OBJECTS)
        );
    }
    s
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(n), Some(dir)) = (
        args.get(1).and_then(|n| n.parse::<usize>().ok()),
        args.get(2),
    ) else {
        eprintln!("pemakaian: cargo run --release --example gen -- N FOLDER [--keputusan]");
        std::process::exit(2);
    };
    let root = Path::new(dir);
    if root.join("content").exists() {
        eprintln!(
            "{} sudah berisi content/; pilih folder kosong",
            root.display()
        );
        std::process::exit(2);
    }
    // With `--keputusan` every instansi also gets a decree (`_keputusan.yaml`), so the build
    // makes a decree book per instansi holding all its SOPs, as a real Sekretariat's does.
    let books = std::env::args().any(|a| a == "--keputusan");
    let mut rng = Rng(n as u64);
    write(&root.join("sopan.yaml"), "judul: Portal SOP Sintetis\n");
    let instansi_count = (n / 200).clamp(1, 10);
    for i in 0..instansi_count {
        write(
            &root.join(format!("content/dinas-{i}/_instansi.yaml")),
            &format!(
                "pemerintah: Pemerintah Kabupaten Sintetis {i}\nnama: Dinas {i}\nalamat: Jalan Contoh No. {i}\nkota: Kota {i}\nkepala:\n  jabatan: Kepala Dinas\n  nama: Kepala {i}, S.Sos\n  pangkat: Pembina Tingkat I (IV/b)\n  nip: 19700101 199503 1 {:03}\n",
                i + 1
            ),
        );
        if books {
            write(
                &root.join(format!("content/dinas-{i}/_keputusan.yaml")),
                &format!(
                    "nomor: \"{}\"\ntahun: 2024\ntanggal: 2024-01-02\ntentang: Standar Operasional Prosedur Dinas {i}\nmenimbang:\n  - bahwa perlu disusun Standar Operasional Prosedur Dinas {i};\n  - bahwa SOP itu perlu ditetapkan dengan Keputusan Kepala Dinas.\nmengingat:\n  - Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;\n  - Undang-Undang Nomor 30 Tahun 2014 tentang Administrasi Pemerintahan;\n  - Peraturan Menteri PANRB Nomor 35 Tahun 2012 tentang Pedoman Penyusunan SOP Administrasi Pemerintahan;\ndiktum:\n  - SOP Dinas {i} sebagaimana tercantum dalam Lampiran Keputusan ini.\n  - Keputusan ini mulai berlaku pada tanggal ditetapkan.\n",
                    30 + i
                ),
            );
        }
        for b in 0..5 {
            write(
                &root.join(format!("content/dinas-{i}/bidang-{b}/_bidang.yaml")),
                &format!("nama: Bidang {b}\nurutan: {b}\n"),
            );
        }
    }
    for k in 0..n {
        let i = k % instansi_count;
        let b = (k / instansi_count) % 5;
        write(
            &root.join(format!("content/dinas-{i}/bidang-{b}/sop-{k:05}.yaml")),
            &sop(&mut rng, k),
        );
    }
    eprintln!("{n} SOP ditulis ke {}", root.display());
}
