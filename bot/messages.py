"""Every user-visible text, in Bahasa Indonesia and English, and the rendering of answers.

Replies are rendered either as Telegram HTML (every piece of user or knowledge text
escaped) or as plain text for the console and `cekfakta ask`.
"""

from __future__ import annotations

import html
import re
from datetime import date

from bot.models import Answer, Fact, Gap, Match, Source

LANGS = ("id", "en")
HTML = "html"
TEXT = "text"
WHATSAPP = "whatsapp"  # WhatsApp's own markup: *bold*, _italic_

TEXTS: dict[str, dict[str, str]] = {
    "verdict.BENAR": {"id": "✅ BENAR", "en": "✅ TRUE"},
    "verdict.SALAH": {"id": "❌ SALAH", "en": "❌ FALSE"},
    "verdict.HOAKS": {"id": "❌ HOAKS", "en": "❌ HOAX"},
    "verdict.MENYESATKAN": {"id": "⚠️ MENYESATKAN", "en": "⚠️ MISLEADING"},
    "verdict.PENIPUAN": {"id": "🚫 PENIPUAN", "en": "🚫 SCAM"},
    "fact.label": {"id": "ℹ️ FAKTA TERVERIFIKASI", "en": "ℹ️ VERIFIED FACT"},
    "claim": {"id": "Klaim yang beredar: {claim}", "en": "Circulating claim: {claim}"},
    "note": {"id": "Catatan: {note}", "en": "Note: {note}"},
    "as_of": {"id": "Berlaku per {date}.", "en": "As of {date}."},
    "until": {"id": "Berlaku sampai {date}.", "en": "Valid until {date}."},
    "expired": {"id": "Berlaku sampai {date}; masa berlakunya sudah lewat.",
                "en": "Valid until {date}; that date has passed."},
    "matched": {"id": "Cocok dengan kata: {terms}", "en": "Matched words: {terms}"},
    "sources": {"id": "Sumber:", "en": "Sources:"},
    "no_date": {"id": "tanggal tidak tercantum", "en": "date not shown"},
    "see_also": {"id": "Lihat juga:", "en": "See also:"},
    "nearest": {
        "id": "🔎 Belum ada data terverifikasi untuk {gap}. Kami tidak menebak. Fakta terverifikasi terdekat "
              "(bukan jawaban langsung atas pertanyaan Anda):",
        "en": "🔎 We have no verified data for {gap}. We do not guess. The nearest verified fact (not a direct "
              "answer to your question):",
    },
    "nearest.also": {"id": "Fakta terdekat lain:", "en": "Another near fact:"},
    "gap.year": {"id": "tahun {said}", "en": "{said}"},
    "gap.month": {"id": "bulan {said}", "en": "{said}"},
    "gap.period": {"id": "{said}", "en": "{said}"},
    "gap.place": {"id": "{said}", "en": "{said}"},
    "gap.abroad": {"id": "{said}", "en": "{said}"},
    "gap.programme": {"id": "program {said}", "en": "the {said} programme"},
    "gap.concept": {"id": "«{said}» secara khusus", "en": "«{said}» specifically"},
    "gap.broader": {"id": "angka «{said}» secara keseluruhan", "en": "the overall «{said}» figure"},
    "gap.now": {"id": "keadaan saat ini", "en": "the current situation"},
    "gap.who": {"id": "orang yang Anda tanyakan", "en": "the person you ask about"},
    "gap.howmany": {"id": "angka yang Anda tanyakan", "en": "the figure you ask for"},
    "gap.rank": {"id": "urutan yang Anda tanyakan", "en": "the ranking you ask for"},
    "gap.why": {"id": "alasan yang Anda tanyakan", "en": "the reason you ask for"},
    "gap.plan": {"id": "hasil yang sudah tercapai{said_suffix} (yang ada baru rencana atau target)",
                 "en": "what was actually achieved{said_suffix} (we only have the plan or target)"},
    "gap.contact": {"id": "alamat atau kontak itu", "en": "that address or contact"},
    "gap.regions": {"id": "daftar wilayah yang Anda tanyakan", "en": "the list of places you ask for"},
    "gap.how": {"id": "cara atau langkah yang Anda tanyakan", "en": "the steps you ask about"},
    "gap.date": {"id": "tanggal yang Anda tanyakan", "en": "the date you ask for"},
    "gap.label": {"id": "{said}", "en": "{said}"},
    "gap.and": {"id": " dan ", "en": " and "},
    "unit.percent": {"id": " persen", "en": "%"},
    "difference": {
        "id": "⚠️ Pesan Anda menyebut {said}; yang terverifikasi: {verified}.",
        "en": "⚠️ Your message says {said}; the verified fact says {verified}.",
    },
    "difference.number": {
        "id": "⚠️ Angka di pesan Anda: {said}; angka yang benar: {verified}.",
        "en": "⚠️ The figure in your message: {said}; the correct figure: {verified}.",
    },
    "difference.date": {
        "id": "⚠️ Tanggal di pesan Anda: {said}; tanggal yang benar: {verified}.",
        "en": "⚠️ The date in your message: {said}; the correct date: {verified}.",
    },
    "not_found": {
        "id": "🔎 Informasi itu belum ada di basis fakta terverifikasi kami. Kami tidak menebak: "
              "yang belum diperiksa tidak kami nyatakan benar atau salah.",
        "en": "🔎 That is not in our verified fact base yet. We do not guess: what has not been "
              "checked we call neither true nor false.",
    },
    "not_found.tips": {
        "id": "Tips: tulis kata kunci singkat, misalnya «BSU hoaks», «kabupaten prioritas NTT» "
              "atau «BLK Kupang».",
        "en": "Tip: send short keywords, for example «BSU hoax», «NTT priority districts» or "
              "«BLK Kupang».",
    },
    "smalltalk": {
        "id": "Halo! 👋 Kirim kata kunci atau teruskan pesan yang ingin Anda cek, misalnya «BSU hoaks».",
        "en": "Hello! 👋 Send keywords or forward a message you want checked, for example «BSU hoax».",
    },
    "empty": {
        "id": "Pesan Anda tidak berisi kata yang bisa dicek. Kirim kata kunci dengan huruf atau angka, "
              "misalnya «kemiskinan ekstrem NTT».",
        "en": "Your message has no words to check. Send keywords in letters or digits, for example "
              "«extreme poverty NTT».",
    },
    # Telegram
    "tg.start": {
        "id": "Halo! Saya <b>cekfakta</b>, bot cek fakta. Saya mencocokkan pertanyaan Anda dengan basis fakta "
              "terverifikasi tentang kemiskinan ekstrem di NTT, program Kemnaker dan BLK, angka kemiskinan, "
              "serta hoaks seputar bantuan.\n\n"
              "<b>Cara bertanya:</b> kirim kata kunci atau teruskan (forward) pesan yang ingin dicek.\n"
              "Contoh: <i>kabupaten prioritas kemiskinan ekstrem NTT</i> atau <i>BSU hoaks</i>.\n\n"
              "/topik daftar topik • /bahasa ganti bahasa • /help bantuan • /hapusdata hapus data Anda",
        "en": "Hello! I am <b>cekfakta</b>, a fact-check bot. I match your question against a base of verified "
              "facts about extreme poverty in NTT, the Ministry of Manpower's programmes and BLK training, "
              "poverty figures, and hoaxes about aid.\n\n"
              "<b>How to ask:</b> send keywords or forward the message you want checked.\n"
              "Example: <i>NTT extreme poverty priority districts</i> or <i>BSU hoax</i>.\n\n"
              "/topik topics • /bahasa language • /help help • /hapusdata delete your data",
    },
    "tg.help": {
        "id": "<b>Bantuan cekfakta</b>\n\n"
              "• Kirim <b>kata kunci</b>: <i>BLK Kupang</i>, <i>angka kemiskinan NTT 2022</i>, "
              "<i>link bansos 600 ribu</i>. Salah ketik dan singkatan (yg, kab., Kemenaker) tidak apa-apa.\n"
              "• <b>Teruskan pesan</b> berantai atau berita yang ingin dicek; saya membaca isinya.\n"
              "• Jawaban berisi label (HOAKS, SALAH, MENYESATKAN, PENIPUAN, atau fakta terverifikasi), "
              "penjelasan, kata yang cocok, dan <b>sumber</b> dengan tautan.\n"
              "• Jika belum ada di basis fakta, saya bilang terus terang dan tidak menebak. Anda bisa "
              "meneruskan pertanyaan ke moderator; jawabannya akan dikirim ke sini.\n"
              "• Di grup, saya hanya menjawab jika dipanggil: perintah, sebutan @nama bot, atau balasan ke "
              "pesan saya.\n\n"
              "/topik menjelajah topik • /bahasa Bahasa Indonesia atau English • /start perkenalan",
        "en": "<b>cekfakta help</b>\n\n"
              "• Send <b>keywords</b>: <i>BLK Kupang</i>, <i>NTT poverty 2022</i>, "
              "<i>bansos link 600 ribu</i>. Typos and abbreviations are fine.\n"
              "• <b>Forward</b> a chain message or news item to check it; I read its content.\n"
              "• Answers carry a label (HOAX, FALSE, MISLEADING, SCAM, or verified fact), the explanation, "
              "the matched words and the <b>sources</b> with links.\n"
              "• If it is not in the fact base yet, I say so and never guess. You can send the question to "
              "our moderators; the answer will come back here.\n"
              "• In groups I only answer when addressed: a command, an @mention of the bot, or a reply to "
              "one of my messages.\n\n"
              "/topik browse topics • /bahasa Bahasa Indonesia or English • /start introduction",
    },
    "tg.cmd.start": {"id": "Mulai dan cara bertanya", "en": "Start and how to ask"},
    "tg.cmd.help": {"id": "Bantuan lengkap", "en": "Full help"},
    "tg.cmd.topik": {"id": "Jelajahi fakta per topik", "en": "Browse facts by topic"},
    "tg.cmd.bahasa": {"id": "Ganti bahasa / language", "en": "Change language / bahasa"},
    "tg.topics": {"id": "📚 Pilih topik:", "en": "📚 Choose a topic:"},
    "tg.topic_facts": {"id": "📚 {topic}: pilih fakta.", "en": "📚 {topic}: choose a fact."},
    "tg.topic_empty": {"id": "Belum ada fakta di topik ini.", "en": "No facts in this topic yet."},
    "tg.back": {"id": "« Semua topik", "en": "« All topics"},
    "tg.language_prompt": {"id": "Pilih bahasa / Choose a language:", "en": "Choose a language / Pilih bahasa:"},
    "tg.language_set": {"id": "Bahasa diganti ke Bahasa Indonesia.", "en": "Language set to English."},
    "tg.nontext": {
        "id": "Maaf, saya hanya bisa membaca teks. Kirim kata kunci atau teruskan pesan berisi teks, "
              "misalnya «BSU hoaks».",
        "en": "Sorry, I can only read text. Send keywords or forward a text message, for example «BSU hoax».",
    },
    "tg.consent_prompt": {
        "id": "Mau pertanyaan ini diteruskan ke moderator? Jika ya, kami menyimpan teksnya (tanpa nama atau "
              "nomor telepon) dan membalas di sini setelah diperiksa.",
        "en": "Send this question to our moderators? If so, we store its text (no name or phone number) and "
              "reply here once it has been checked.",
    },
    "tg.consent_button": {"id": "📨 Teruskan ke moderator", "en": "📨 Send to moderators"},
    "tg.queued": {
        "id": "✅ Pertanyaan Anda sudah diteruskan ke moderator. Kami akan membalas di sini setelah diperiksa.",
        "en": "✅ Your question was sent to our moderators. We will reply here once it has been checked.",
    },
    "tg.consent_expired": {
        "id": "Pertanyaan aslinya tidak ditemukan lagi. Silakan kirim ulang pertanyaan Anda.",
        "en": "The original question is no longer available. Please send it again.",
    },
    "tg.consent_not_yours": {
        "id": "Hanya penanya yang bisa meneruskan pertanyaan ini.",
        "en": "Only the person who asked can send this question.",
    },
    "tg.helpful": {"id": "👍 Membantu", "en": "👍 Helpful"},
    "tg.not_helpful": {"id": "👎 Tidak membantu", "en": "👎 Not helpful"},
    "tg.feedback_thanks": {"id": "Terima kasih atas masukannya!", "en": "Thank you for the feedback!"},
    "tg.see_also_button": {"id": "🔎 {headline}", "en": "🔎 {headline}"},
    "tg.updated": {
        "id": "ℹ️ Fakta ini sudah diperbarui sejak tombol ini dibuat; berikut versi terbaru.",
        "en": "ℹ️ This fact was updated after this button was made; here is the current version.",
    },
    "tg.retracted": {
        "id": "Fakta ini sudah dicabut oleh moderator dan tidak berlaku lagi.",
        "en": "This fact was retracted by the moderators and no longer holds.",
    },
    "tg.stale_button": {"id": "Tombol ini sudah tidak berlaku.", "en": "This button is no longer valid."},
    "tg.error": {
        "id": "Maaf, terjadi kesalahan di pihak kami. Silakan coba lagi sebentar lagi.",
        "en": "Sorry, something went wrong on our side. Please try again in a moment.",
    },
    # WhatsApp (the same hotline; buttons and lists have WhatsApp's own, shorter limits)
    "wa.choices": {"id": "Lihat juga, atau beri nilai jawaban ini:", "en": "See also, or rate this answer:"},
    "wa.rate": {"id": "Apakah jawaban ini membantu?", "en": "Was this answer helpful?"},
    "wa.choices_button": {"id": "Pilih", "en": "Choose"},
    "wa.see_also_section": {"id": "Lihat juga", "en": "See also"},
    "wa.feedback_section": {"id": "Penilaian", "en": "Rating"},
    "wa.helpful": {"id": "👍 Membantu", "en": "👍 Helpful"},
    "wa.not_helpful": {"id": "👎 Tidak membantu", "en": "👎 Not helpful"},
    "wa.consent_button": {"id": "📨 Teruskan", "en": "📨 Send it"},
    "wa.no_thanks": {"id": "Tidak usah", "en": "No, thanks"},
    "wa.not_forwarded": {"id": "Baik, pertanyaan ini tidak diteruskan.", "en": "Fine, the question was not sent."},
    "wa.nontext": {
        "id": "Maaf, saya hanya bisa membaca teks. Kirim kata kunci, teruskan pesan berisi teks, atau kirim "
              "gambar dengan keterangan, misalnya «BSU hoaks».",
        "en": "Sorry, I can only read text. Send keywords, forward a text message, or send a picture with a "
              "caption, for example «BSU hoax».",
    },
    "wa.topics": {"id": "Pilih topik untuk melihat fakta terverifikasi:", "en": "Choose a topic to see verified facts:"},
    "wa.topic_facts": {"id": "Fakta terverifikasi tentang {topic}:", "en": "Verified facts about {topic}:"},
    "wa.topics_button": {"id": "Topik", "en": "Topics"},
    "wa.facts_button": {"id": "Fakta", "en": "Facts"},
    "wa.language_id": {"id": "Bahasa Indonesia", "en": "Bahasa Indonesia"},
    "wa.language_en": {"id": "English", "en": "English"},
    "wa.forget_yes": {"id": "🗑️ Ya, hapus", "en": "🗑️ Yes, delete"},
    "wa.forget_no": {"id": "Batal", "en": "Cancel"},
    "wa.commands": {
        "id": "Kirim kata kunci untuk dicek. Perintah: *topik* (daftar topik), *bahasa* (ganti bahasa), "
              "*hapusdata* (hapus data Anda).",
        "en": "Send keywords to check. Commands: *topics* (list of topics), *language* (change language), "
              "*deletedata* (delete your data).",
    },
    # Moderators
    "mod.refused": {
        "id": "⛔ Perintah ini khusus moderator. Percobaan ini dicatat.",
        "en": "⛔ This command is for moderators only. The attempt has been recorded.",
    },
    "mod.owner_only": {"id": "⛔ Perintah ini khusus pemilik bot.", "en": "⛔ This command is for the bot's owners only."},
    "mod.help": {
        "id": "<b>Perintah moderator</b>\n"
              "/tambah fakta baru (langkah demi langkah) • /batal batalkan\n"
              "/fakta &lt;id&gt; lihat • /ubah &lt;id&gt; ubah satu bagian • /riwayat &lt;id&gt; riwayat\n"
              "/cabut &lt;id&gt; &lt;alasan&gt; • /pulihkan &lt;id&gt; • /lanjut lanjutkan draf\n"
              "/usulan • /usulan &lt;no&gt; lihat perubahannya • /setujui &lt;no&gt; • /tolak &lt;no&gt; &lt;alasan&gt;\n"
              "/antrian • /jawab &lt;no_pertanyaan&gt; &lt;id_fakta&gt; • /abaikan &lt;no_pertanyaan&gt;\n"
              "/statistik • /kata &lt;kata&gt; = &lt;baku&gt; ajarkan kata obrolan\n"
              "Pemilik: /mod tambah &lt;user_id&gt; • /mod hapus &lt;user_id&gt; • /mod daftar",
        "en": "<b>Moderator commands</b>\n"
              "/tambah new fact (step by step) • /batal cancel\n"
              "/fakta &lt;id&gt; view • /ubah &lt;id&gt; edit one part • /riwayat &lt;id&gt; history\n"
              "/cabut &lt;id&gt; &lt;reason&gt; retract • /pulihkan &lt;id&gt; restore • /lanjut resume a draft\n"
              "/usulan proposals • /usulan &lt;no&gt; see the change • /setujui &lt;no&gt; approve • "
              "/tolak &lt;no&gt; &lt;reason&gt; reject\n"
              "/antrian queue • /jawab &lt;question_no&gt; &lt;fact_id&gt; • /abaikan &lt;question_no&gt;\n"
              "/statistik statistics • /kata &lt;word&gt; = &lt;standard&gt; teach a chat word\n"
              "Owners: /mod tambah &lt;user_id&gt; • /mod hapus &lt;user_id&gt; • /mod daftar",
    },
    "mod.usage": {"id": "Cara pakai: {usage}", "en": "Usage: {usage}"},
    "mod.word_added": {
        "id": "✅ Kata «{word}» sekarang dibaca sebagai «{standard}». {count} fakta diindeks ulang.",
        "en": "✅ The word «{word}» is now read as «{standard}». {count} facts re-indexed.",
    },
    "mod.word_function": {
        "id": "✅ Kata «{word}» sekarang diabaikan saat mencocokkan (tidak punya topik sendiri).",
        "en": "✅ The word «{word}» is now ignored when matching (it has no topic of its own).",
    },
    "mod.word_reserved": {
        "id": "Kata «{word}» sudah dipakai basis fakta sebagai nama atau singkatan; tidak diubah.",
        "en": "The word «{word}» is a name or acronym the fact base relies on; left as it is.",
    },
    "mod.words": {"id": "<b>Kata yang diajarkan moderator</b>", "en": "<b>Words taught by moderators</b>"},
    "mod.words_empty": {"id": "Belum ada. Contoh: /kata sonde = tidak", "en": "None yet. Example: /kata sonde = tidak"},
    "mod.invalid": {"id": "Fakta ini belum lengkap: {problem}", "en": "This fact is incomplete: {problem}"},
    "mod.added": {"id": "✅ {user_id} sekarang moderator.", "en": "✅ {user_id} is now a moderator."},
    "mod.removed": {"id": "✅ {user_id} bukan moderator lagi.", "en": "✅ {user_id} is no longer a moderator."},
    "mod.not_moderator": {"id": "{user_id} bukan moderator.", "en": "{user_id} is not a moderator."},
    "mod.list": {"id": "<b>Moderator</b> (pemilik: {owners})", "en": "<b>Moderators</b> (owners: {owners})"},
    "mod.list_empty": {"id": "Belum ada moderator selain pemilik.", "en": "No moderators besides the owners."},
    "mod.no_fact": {"id": "Fakta «{id}» tidak ditemukan.", "en": "No fact «{id}»."},
    "mod.no_proposal": {"id": "Tidak ada usulan tertunda nomor «{id}».", "en": "No pending proposal «{id}»."},
    "mod.no_question": {"id": "Tidak ada pertanyaan terbuka nomor «{id}».", "en": "No open question «{id}»."},
    "mod.not_active": {"id": "Fakta «{id}» sedang tidak aktif.", "en": "Fact «{id}» is not active."},
    "mod.reason_needed": {"id": "Sertakan alasannya.", "en": "Give a reason."},
    "mod.already_retracted": {"id": "Fakta «{id}» sudah dicabut.", "en": "Fact «{id}» is already retracted."},
    "mod.already_active": {"id": "Fakta «{id}» masih aktif.", "en": "Fact «{id}» is active."},
    "mod.own_proposal": {
        "id": "Usulan harus disetujui atau ditolak moderator lain.",
        "en": "A proposal must be approved or rejected by another moderator.",
    },
    "mod.ask_statement": {
        "id": "Langkah 1: tulis <b>pernyataan</b> yang sudah diverifikasi (kalimat lengkap). /batal untuk membatalkan.",
        "en": "Step 1: write the verified <b>statement</b> (full sentences). /batal to cancel.",
    },
    "mod.ask_verdict": {
        "id": "Apakah fakta ini menilai klaim yang beredar? Pilih <b>verdict</b>:",
        "en": "Does this fact rate a circulating claim? Choose the <b>verdict</b>:",
    },
    "mod.no_verdict": {"id": "Tanpa verdict (fakta biasa)", "en": "No verdict (plain fact)"},
    "mod.ask_claim": {"id": "Tulis <b>klaim yang beredar</b> yang dinilai.", "en": "Write the <b>circulating claim</b> being rated."},
    "mod.ask_url": {"id": "Kirim <b>URL sumber</b> (http/https).", "en": "Send the <b>source URL</b> (http/https)."},
    "mod.ask_publisher": {
        "id": "Tulis <b>penerbit dan tanggal terbit</b>, dipisah koma. Contoh: <i>Kompas, 2024-01-23</i>",
        "en": "Write the <b>publisher and publication date</b>, separated by a comma. Example: <i>Kompas, 2024-01-23</i>",
    },
    "mod.ask_topic": {"id": "Pilih <b>topik</b>:", "en": "Choose the <b>topic</b>:"},
    "mod.ask_keywords": {
        "id": "Tulis <b>kata kunci</b> yang mungkin diketik warga, dipisah koma (atau - jika tidak ada).",
        "en": "Write <b>keywords</b> citizens might type, separated by commas (or - for none).",
    },
    "mod.ask_note": {"id": "Tulis <b>catatan</b> atau koreksi (atau - untuk menghapus).", "en": "Write the <b>note</b> or caveat (or - to clear)."},
    "mod.ask_field": {"id": "Bagian mana yang diubah?", "en": "Which part do you want to change?"},
    "mod.field.statement": {"id": "Pernyataan", "en": "Statement"},
    "mod.field.verdict": {"id": "Verdict", "en": "Verdict"},
    "mod.field.claim": {"id": "Klaim", "en": "Claim"},
    "mod.field.source": {"id": "Sumber", "en": "Source"},
    "mod.field.keywords": {"id": "Kata kunci", "en": "Keywords"},
    "mod.field.topic": {"id": "Topik", "en": "Topic"},
    "mod.field.note": {"id": "Catatan", "en": "Note"},
    "mod.use_buttons": {"id": "Pilih dengan tombol di atas, atau /batal.", "en": "Choose with the buttons above, or /batal."},
    "mod.too_short": {"id": "Terlalu pendek; tulis kalimat lengkap.", "en": "Too short; write full sentences."},
    "mod.too_long": {"id": "Terlalu panjang (maksimal {limit} karakter).", "en": "Too long (at most {limit} characters)."},
    "mod.url_invalid": {"id": "Itu bukan URL http/https yang valid.", "en": "That is not a valid http/https URL."},
    "mod.url_private": {
        "id": "Alamat «{host}» ada di jaringan privat/lokal dan ditolak. Kirim URL publik.",
        "en": "The address «{host}» is on a private/local network and is refused. Send a public URL.",
    },
    "mod.url_unresolvable": {"id": "Nama host «{host}» tidak ditemukan.", "en": "Host name «{host}» not found."},
    "mod.url_checking": {"id": "Memeriksa tautan…", "en": "Checking the link…"},
    "mod.url_ok": {"id": "✅ Tautan hidup. Judul halaman: {title}", "en": "✅ Link is live. Page title: {title}"},
    "mod.url_dead": {
        "id": "⚠️ Tautan tidak bisa dibuka ({problem}). Kirim URL lain, atau ketik <b>tetap</b> untuk memakai URL ini.",
        "en": "⚠️ The link could not be opened ({problem}). Send another URL, or type <b>keep</b> to use this one.",
    },
    "mod.publisher_format": {
        "id": "Tulis penerbit, koma, lalu tanggal. Contoh: <i>Kompas, 2024-01-23</i>",
        "en": "Write the publisher, a comma, then the date. Example: <i>Kompas, 2024-01-23</i>",
    },
    "mod.date_invalid": {
        "id": "«{value}» bukan tanggal. Contoh: 17 Oktober 2021, 2021-10-17 atau 17/10/2021.",
        "en": "«{value}» is not a date. For example: 17 October 2021, 2021-10-17 or 17/10/2021.",
    },
    "mod.preview": {"id": "<b>Pratinjau</b> ({id}):", "en": "<b>Preview</b> ({id}):"},
    "mod.save": {"id": "✅ Simpan", "en": "✅ Save"},
    "mod.discard": {"id": "✖️ Batal", "en": "✖️ Cancel"},
    "mod.saved": {"id": "✅ Tersimpan: {id} (revisi {revision}). Langsung dipakai untuk menjawab warga.",
                  "en": "✅ Saved: {id} (revision {revision}). Citizens get it from now on."},
    "mod.proposed": {
        "id": "📝 Usulan #{number} untuk {id} menunggu persetujuan moderator lain (/setujui {number}).",
        "en": "📝 Proposal #{number} for {id} awaits another moderator's approval (/setujui {number}).",
    },
    "mod.cancelled": {"id": "Dibatalkan; tidak ada yang disimpan.", "en": "Cancelled; nothing was saved."},
    "mod.retracted": {"id": "✅ {id} dicabut dan tidak lagi disajikan. Pulihkan dengan /pulihkan {id}.",
                      "en": "✅ {id} is retracted and no longer served. Restore it with /pulihkan {id}."},
    "mod.restored": {"id": "✅ {id} aktif kembali (revisi {revision}).", "en": "✅ {id} is active again (revision {revision})."},
    "mod.corrections": {"id": "Pemberitahuan koreksi dikirim ke {count} obrolan.", "en": "Correction notices sent to {count} chats."},
    "mod.approved": {"id": "✅ Usulan disetujui: {id} (revisi {revision}).", "en": "✅ Proposal approved: {id} (revision {revision})."},
    "mod.rejected": {"id": "Usulan #{number} ditolak.", "en": "Proposal #{number} rejected."},
    "mod.proposals": {"id": "<b>Usulan tertunda</b>", "en": "<b>Pending proposals</b>"},
    "mod.proposals_empty": {"id": "Tidak ada usulan tertunda.", "en": "No pending proposals."},
    "mod.fact_header": {
        "id": "<b>{id}</b>\nStatus: {status} • revisi {revision} • topik: {topic} • keyakinan: {confidence}",
        "en": "<b>{id}</b>\nStatus: {status} • revision {revision} • topic: {topic} • confidence: {confidence}",
    },
    "mod.last_change": {"id": "Terakhir diubah {at} oleh {actor} ({action}).", "en": "Last changed {at} by {actor} ({action})."},
    "mod.history": {"id": "<b>Riwayat {id}</b>", "en": "<b>History of {id}</b>"},
    "mod.queue": {"id": "<b>Antrian pertanyaan</b> ({groups} kelompok, {questions} pertanyaan)",
                  "en": "<b>Question queue</b> ({groups} groups, {questions} questions)"},
    "mod.queue_line": {"id": "#{id} • {count}× sejak {since}\n«{text}»", "en": "#{id} • {count}× since {since}\n«{text}»"},
    "mod.queue_hint": {"id": "Jawab: /jawab &lt;no&gt; &lt;id_fakta&gt; • buang: /abaikan &lt;no&gt;",
                       "en": "Answer: /jawab &lt;no&gt; &lt;fact_id&gt; • discard: /abaikan &lt;no&gt;"},
    "mod.queue_empty": {"id": "Antrian kosong. 🎉", "en": "The queue is empty. 🎉"},
    "mod.answered": {"id": "✅ Jawaban {id} dikirim ke {count} penanya.", "en": "✅ Answer {id} sent to {count} askers."},
    "mod.dismissed": {"id": "Pertanyaan #{id} ({count}×) diabaikan.", "en": "Question #{id} ({count}×) dismissed."},
    "mod.answer_intro": {
        "id": "📬 Jawaban untuk pertanyaan yang Anda teruskan ke moderator:",
        "en": "📬 The answer to the question you sent to our moderators:",
    },
    "mod.correction_intro": {
        "id": "🔁 Koreksi: fakta yang kami kirim kepada Anda baru-baru ini telah diperbarui. Versi terbaru:",
        "en": "🔁 Correction: a fact we sent you recently has been updated. The current version:",
    },
    "mod.retraction_notice": {
        "id": "🔁 Koreksi: fakta yang kami kirim kepada Anda baru-baru ini («{headline}») telah dicabut dan tidak berlaku lagi. Alasan: {reason}",
        "en": "🔁 Correction: a fact we sent you recently («{headline}») has been retracted and no longer holds. Reason: {reason}",
    },
    "mod.stats": {
        "id": "<b>Statistik</b>\nPertanyaan: hari ini {today} • 7 hari {week} • 30 hari {month}\n"
              "Terjawab (30 hari): {answered}\nKata kunci teratas: {terms}\n"
              "Antrian terbuka: {open_questions} pertanyaan ({open_groups} kelompok)\n"
              "Median waktu sampai dijawab: {median}\nMasukan membantu: {helpful} dari {feedback}\n"
              "Pemberitahuan WhatsApp tak terkirim (di luar 24 jam, 30 hari): {undeliverable}",
        "en": "<b>Statistics</b>\nQuestions: today {today} • 7 days {week} • 30 days {month}\n"
              "Answered (30 days): {answered}\nTop keywords: {terms}\n"
              "Open queue: {open_questions} questions ({open_groups} groups)\n"
              "Median time to answer: {median}\nHelpful feedback: {helpful} of {feedback}\n"
              "WhatsApp notices undeliverable (outside 24 hours, 30 days): {undeliverable}",
    },
    "mod.bad_user_id": {"id": "«{value}» bukan user id Telegram (angka positif).",
                        "en": "«{value}» is not a Telegram user id (a positive number)."},
    "mod.no_draft": {"id": "Tidak ada draf yang sedang dikerjakan. Mulai dengan /tambah atau /ubah &lt;id&gt;.",
                     "en": "No draft in progress. Start with /tambah or /ubah &lt;id&gt;."},
    "mod.resumed": {"id": "Melanjutkan draf Anda.", "en": "Resuming your draft."},
    "mod.timeout": {
        "id": "⏱️ Draf Anda disimpan, tetapi percakapan ditutup karena lama tidak ada balasan. "
              "Pesan Anda berikutnya dibaca sebagai pertanyaan biasa. Lanjutkan dengan /lanjut, atau /batal.",
        "en": "⏱️ Your draft is kept, but the conversation closed after a long pause. Your next messages are "
              "read as ordinary questions. Resume with /lanjut, or /batal.",
    },
    "mod.id_taken": {"id": "Id «{id}» sudah dipakai fakta lain.", "en": "The id «{id}» is taken by another fact."},
    "mod.stale": {
        "id": "⚠️ Fakta {id} sudah diubah orang lain sejak Anda mulai (sekarang revisi {revision}; yang berubah: "
              "{fields}). Tidak ada yang disimpan. Terapkan perubahan Anda pada versi terbaru?",
        "en": "⚠️ Someone changed {id} since you began (now revision {revision}; changed: {fields}). Nothing was "
              "saved. Apply your change to the current version?",
    },
    "mod.stale_conflict": {
        "id": "⚠️ Fakta {id} sudah diubah orang lain sejak Anda mulai (sekarang revisi {revision}; yang berubah: "
              "{fields}), termasuk bagian yang juga Anda ubah ({overlap}). Tidak ada yang disimpan. "
              "Lihat versi terbaru dengan /fakta {id}, lalu ubah lagi dengan /ubah {id}.",
        "en": "⚠️ Someone changed {id} since you began (now revision {revision}; changed: {fields}), including "
              "what you changed too ({overlap}). Nothing was saved. See the current version with /fakta {id}, "
              "then edit again with /ubah {id}.",
    },
    "mod.proposal_stale": {
        "id": "⚠️ Usulan #{number} dibuat untuk versi lama {id}; sejak itu berubah (sekarang revisi {revision}; "
              "yang berubah: {fields}). Tidak disetujui. Terapkan pada versi terbaru: /setujui {number} ulang",
        "en": "⚠️ Proposal #{number} was made against an older version of {id}, which has changed since (now "
              "revision {revision}; changed: {fields}). Not approved. Apply it to the current version: "
              "/setujui {number} ulang",
    },
    "mod.reapply": {"id": "🔁 Terapkan pada versi terbaru", "en": "🔁 Apply to the current version"},
    "mod.ask_as_of": {
        "id": "Sejak kapan fakta ini berlaku (<b>per tanggal</b>)? Contoh: <i>17 Oktober 2021</i> atau 2021-10-17. "
              "Ketik - untuk hari ini.",
        "en": "Since when does this fact hold (<b>as of</b>)? For example <i>17 October 2021</i> or 2021-10-17. "
              "Type - for today.",
    },
    "mod.ask_until": {
        "id": "Berlaku <b>sampai</b> kapan? Ketik tanggal, atau - jika tidak ada batas.",
        "en": "Valid <b>until</b> when? Type a date, or - for no end.",
    },
    "mod.ask_confidence": {"id": "Seberapa <b>yakin</b> sumbernya?", "en": "How <b>confident</b> are the sources?"},
    "mod.ask_statement_en": {
        "id": "Tulis pernyataan dalam <b>bahasa Inggris</b> (atau - untuk melewati).",
        "en": "Write the statement in <b>English</b> (or - to skip).",
    },
    "mod.confidence.high": {"id": "Tinggi", "en": "High"},
    "mod.confidence.medium-high": {"id": "Cukup tinggi", "en": "Medium-high"},
    "mod.confidence.medium": {"id": "Sedang", "en": "Medium"},
    "mod.confidence.low": {"id": "Rendah", "en": "Low"},
    "mod.field.statement_en": {"id": "Pernyataan (Inggris)", "en": "Statement (English)"},
    "mod.field.as_of": {"id": "Per tanggal", "en": "As of"},
    "mod.field.until": {"id": "Berlaku sampai", "en": "Valid until"},
    "mod.field.confidence": {"id": "Keyakinan", "en": "Confidence"},
    "mod.en_stale": {"id": "⚠️ Teks Inggris perlu ditinjau (dibuat sebelum perubahan: {fields}).",
                     "en": "⚠️ The English text needs review (written before a change to: {fields})."},
    "mod.proposal_line": {"id": "#{number} {kind} {id} oleh {proposer}, {at}: mengubah {fields}",
                          "en": "#{number} {kind} {id} by {proposer}, {at}: changes {fields}"},
    "mod.proposals_hint": {"id": "Lihat lengkap: /usulan &lt;no&gt;", "en": "See in full: /usulan &lt;no&gt;"},
    "mod.proposal_view": {
        "id": "<b>Usulan #{number}</b>: {kind} {id}\noleh {proposer}, {at}, terhadap revisi {base}{reason}",
        "en": "<b>Proposal #{number}</b>: {kind} {id}\nby {proposer}, {at}, against revision {base}{reason}",
    },
    "mod.proposal_actions": {"id": "Setujui: /setujui {number} • tolak: /tolak {number} &lt;alasan&gt;",
                             "en": "Approve: /setujui {number} • reject: /tolak {number} &lt;reason&gt;"},
    "mod.diff_line": {"id": "<b>{field}</b>\n− {before}\n+ {after}", "en": "<b>{field}</b>\n− {before}\n+ {after}"},
    "mod.review_approved": {"id": "✅ Usulan #{number} Anda untuk {id} disetujui dan sudah berlaku.",
                            "en": "✅ Your proposal #{number} for {id} was approved and is live."},
    "mod.review_rejected": {"id": "✖️ Usulan #{number} Anda untuk {id} ditolak. Alasan: {reason}",
                            "en": "✖️ Your proposal #{number} for {id} was rejected. Reason: {reason}"},
    "mod.corrections_queued": {"id": "Pemberitahuan koreksi diantrikan untuk {count} obrolan.",
                               "en": "Correction notices queued for {count} chats."},
    "tg.already_queued": {"id": "Pertanyaan ini sudah diteruskan ke moderator.",
                          "en": "This question has already been sent to our moderators."},
    "cli.unreadable": {"id": "tidak bisa membaca {path}: {problem}", "en": "cannot read {path}: {problem}"},
    "cli.bad_eval_file": {"id": "{path}: {problem}", "en": "{path}: {problem}"},
    "cli.backup_exists": {
        "id": "{path} sudah ada; pilih nama file baru untuk cadangan",
        "en": "{path} exists; choose a new file name for the backup",
    },
    "cli.bad_backup": {"id": "{problem}", "en": "{problem}"},
    # -- issue 10: share links, charts, the digest, the public fact pages (kept together for merging) --
    "share.link": {"id": "🔗 Bagikan fakta ini: {url}", "en": "🔗 Share this fact: {url}"},
    "chart.title": {"id": "Pertanyaan per hari, {days} hari terakhir ({total} pertanyaan)",
                    "en": "Questions per day, last {days} days ({total} questions)"},
    "chart.answered": {"id": "Terjawab", "en": "Answered"},
    "chart.near": {"id": "Fakta terdekat", "en": "Nearest fact"},
    "chart.unanswered": {"id": "Belum terjawab", "en": "Unanswered"},
    "chart.questions": {"id": "Pertanyaan", "en": "Questions"},
    "chart.top_words": {"id": "Kata terbanyak dalam pertanyaan yang belum terjawab (30 hari)",
                        "en": "Top words in unanswered questions (30 days)"},
    "chart.no_words": {"id": "Belum ada pertanyaan yang belum terjawab", "en": "No unanswered questions yet"},
    "mod.chart_caption": {"id": "📊 Statistik {days} hari terakhir: {total} pertanyaan.",
                          "en": "📊 Statistics for the last {days} days: {total} questions."},
    "mod.chart_near_unknown": {
        "id": "Catatan: log pertanyaan belum membedakan «fakta terdekat» dari «belum terjawab».",
        "en": "Note: the query log does not yet tell «nearest fact» from «unanswered».",
    },
    "mod.digest": {
        "id": "📈 <b>Ringkasan harian</b>: kata yang melonjak dalam pertanyaan yang belum terjawab (24 jam terakhir). "
              "Mungkin perlu fakta baru:",
        "en": "📈 <b>Daily digest</b>: words surging in unanswered questions (last 24 hours). "
              "A new fact may be needed:",
    },
    "mod.digest_line": {"id": "• {word}: {count}× (biasanya {usual} per hari)",
                        "en": "• {word}: {count}× (usually {usual} a day)"},
    "site.title": {"id": "{publisher}: fakta terverifikasi", "en": "{publisher}: verified facts"},
    "site.intro": {
        "id": "Fakta yang telah diperiksa oleh {publisher}, dengan sumbernya dan riwayat setiap perubahan.",
        "en": "Facts checked by {publisher}, with their sources and the history of every change.",
    },
    "site.claim": {"id": "Klaim yang beredar", "en": "Circulating claim"},
    "site.statement": {"id": "Fakta", "en": "Fact"},
    "site.note": {"id": "Catatan", "en": "Note"},
    "site.sources": {"id": "Sumber", "en": "Sources"},
    "site.history": {"id": "Riwayat perubahan", "en": "History of changes"},
    "site.revision": {"id": "Revisi", "en": "Revision"},
    "site.date": {"id": "Tanggal", "en": "Date"},
    "site.change": {"id": "Perubahan", "en": "Change"},
    "site.as_of": {"id": "Berlaku per", "en": "As of"},
    "site.until": {"id": "Berlaku sampai", "en": "Valid until"},
    "site.topic": {"id": "Topik", "en": "Topic"},
    "site.english": {"id": "Dalam bahasa Inggris", "en": "In English"},
    "site.retracted": {
        "id": "⚠️ Fakta ini telah DICABUT dan tidak lagi berlaku. Isinya ditampilkan demi keterbukaan.",
        "en": "⚠️ This fact has been RETRACTED and no longer holds. It is shown for transparency.",
    },
    "site.retracted_list": {"id": "Fakta yang dicabut", "en": "Retracted facts"},
    "site.back": {"id": "« Semua fakta", "en": "« All facts"},
    "site.updated": {"id": "Diperbarui {date}", "en": "Updated {date}"},
    "site.data": {"id": "Data terbuka: {link}", "en": "Open data: {link}"},
    "site.action.add": {"id": "ditambahkan", "en": "added"},
    "site.action.edit": {"id": "diubah", "en": "edited"},
    "site.action.retract": {"id": "dicabut", "en": "retracted"},
    "site.action.restore": {"id": "dipulihkan", "en": "restored"},
    "site.action.other": {"id": "diperbarui", "en": "updated"},
    "console.welcome": {
        "id": "cekfakta: konsol lokal (tanpa Telegram) di atas basis fakta {facts} fakta. "
              "Ketik kata kunci, atau perintah (dengan atau tanpa /): bantuan, start, topik, bahasa, "
              "hapusdata. Baris kosong atau Ctrl-D untuk keluar.",
        "en": "cekfakta: local console (no Telegram) on a base of {facts} facts. "
              "Type keywords, or a command (with or without /): help, start, topics, language, "
              "deletedata. An empty line or Ctrl-D quits.",
    },
    "console.language_option": {"id": "ketik «bahasa {code}»: {name}", "en": "type «language {code}»: {name}"},
    "console.forget_confirm": {
        "id": "Ketik «ya» untuk menghapus; apa pun yang lain membatalkan.",
        "en": "Type «yes» to delete; anything else cancels.",
    },
}

# Load, abuse and privacy (issue 9): what citizens are told about their data, limits and deletion.
TEXTS.update({
    "tg.privacy": {
        "id": "<b>Privasi:</b> kami tidak menyimpan nama atau nomor telepon. ID Telegram Anda disimpan hanya "
              "sebagai kode acak (hash) yang tidak bisa dibalik tanpa kunci rahasia yang disimpan terpisah. "
              "Yang kami simpan: pilihan bahasa (sampai Anda menghapusnya); kata kunci pertanyaan yang dikenal "
              "basis fakta, tanpa teks pesan ({queries} hari); penilaian 👍/👎 ({feedback} hari); fakta yang "
              "dikirim ke chat Anda, dengan ID chat terenkripsi, agar koreksi bisa menyusul ({deliveries} hari). "
              "Teks pertanyaan hanya disimpan jika Anda setuju meneruskannya ke moderator, dan dihapus "
              "{questions} hari setelah dijawab. Ketik /hapusdata untuk menghapus semuanya sekarang.",
        "en": "<b>Privacy:</b> we store no names or phone numbers. Your Telegram id is stored only as a random "
              "code (hash) that cannot be reversed without a secret key kept apart from the data. What we keep: "
              "your language choice (until you delete it); the words of your questions that the fact base "
              "knows, never the message ({queries} days); 👍/👎 ratings ({feedback} days); which facts were "
              "sent to your chat, with the chat id encrypted, so that a correction can follow ({deliveries} "
              "days). The text of a question is stored only if you agree to send it to our moderators, and is "
              "deleted {questions} days after it is answered. Send /hapusdata to delete all of it now.",
    },
    "tg.cmd.hapusdata": {"id": "Hapus semua data Anda", "en": "Delete all your data"},
    "tg.slow_down": {
        "id": "⏳ Pesan Anda terlalu banyak (lebih dari {limit} per menit). Mohon tunggu sebentar; pesan "
              "berikutnya dalam menit ini tidak dijawab.",
        "en": "⏳ Too many messages (more than {limit} a minute). Please wait a moment; further messages "
              "this minute are not answered.",
    },
    "tg.unknown_command": {
        "id": "Perintah itu tidak saya kenal. Kirim kata kunci untuk dicek, atau pakai /start, /help, /topik, "
              "/bahasa, /hapusdata.",
        "en": "I do not know that command. Send keywords to check, or use /start, /help, /topik, /bahasa, "
              "/hapusdata.",
    },
    "tg.forget_prompt": {
        "id": "🗑️ Hapus semua data Anda? Pilihan bahasa, pertanyaan yang diteruskan, penilaian, catatan "
              "pertanyaan dan catatan fakta yang dikirim ke Anda akan dihapus. Koreksi atas jawaban lama tidak "
              "akan sampai lagi.",
        "en": "🗑️ Delete all your data? Your language choice, forwarded questions, ratings, query records and "
              "the record of facts sent to you will be deleted. Corrections to earlier answers will no longer "
              "reach you.",
    },
    "tg.forget_yes": {"id": "🗑️ Ya, hapus", "en": "🗑️ Yes, delete"},
    "tg.forget_no": {"id": "Batal", "en": "Cancel"},
    "tg.forget_cancelled": {"id": "Tidak ada yang dihapus.", "en": "Nothing was deleted."},
    "tg.forgotten": {
        "id": "✅ Semua data Anda sudah dihapus.",
        "en": "✅ All your data has been deleted.",
    },
    "tg.bad_number": {
        "id": "«{value}» bukan nomor yang valid: tulis angka 1 sampai 9007199254740992.",
        "en": "«{value}» is not a valid number: write digits, 1 to 9007199254740992.",
    },
    "cli.db_locked": {
        "id": "basis data {path} sedang dikunci oleh proses lain; coba lagi sebentar lagi",
        "en": "the database {path} is locked by another process; try again in a moment",
    },
})

_MONTH_NAMES_ID = {m: m.title() for m in ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus",
                                          "september", "oktober", "november", "desember")}
_MONTH_NAMES_EN = dict(zip(_MONTH_NAMES_ID, ("January", "February", "March", "April", "May", "June", "July",
                                              "August", "September", "October", "November", "December"), strict=False))
_MONTHS = {
    "id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


def t(key: str, lang: str = "id", **values: object) -> str:
    """The text `key` in `lang` (Indonesian when missing), with `values` filled in."""
    texts = TEXTS[key]
    return (texts.get(lang) or texts["id"]).format(**values)


def t_html(key: str, lang: str = "id", **values: object) -> str:
    """The text `key` as HTML: the template's own markup kept, every value escaped."""
    return t(key, lang, **{k: escape(str(v)) for k, v in values.items()})


def html_to_text(html_text: str) -> str:
    """HTML made plain (tags dropped, entities decoded), for the console and the command line."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def format_date(value: str, lang: str = "id") -> str:
    """A (possibly partial) ISO date as people write it: "17 Okt 2021", "Jun 2021", "2021"."""
    if not value:
        return t("no_date", lang)
    parts = value.split("-")
    months = _MONTHS.get(lang, _MONTHS["id"])
    if len(parts) == 3:
        return f"{int(parts[2])} {months[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{months[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


class _Format:
    """Plain-text, HTML (Telegram) or WhatsApp building blocks; in HTML, all text is escaped here. The
    renderers share everything else, so the channels differ only where their markup does."""

    def __init__(self, kind: str):
        self.html = kind == HTML
        self.whatsapp = kind == WHATSAPP

    def esc(self, text: str) -> str:
        return escape(text) if self.html else text

    def bold(self, text: str) -> str:
        if self.whatsapp:
            return _wa_mark("*", text)
        return f"<b>{self.esc(text)}</b>" if self.html else text

    def italic(self, text: str) -> str:
        if self.whatsapp:
            return _wa_mark("_", text)
        return f"<i>{self.esc(text)}</i>" if self.html else text

    def source(self, source: Source, lang: str) -> str:
        when = format_date(source.published, lang)
        title = f": {source.title}" if source.title else ""
        if self.html and source.url:
            link = f'<a href="{html.escape(source.url, quote=True)}">{self.esc(source.publisher)}</a>'
            return f"• {link}, {self.esc(when)}{self.esc(title)}"
        tail = f"\n  {source.url}" if source.url else ""
        return f"• {self.esc(source.publisher)}, {self.esc(when)}{self.esc(title)}{tail}"


def _wa_mark(mark: str, text: str) -> str:
    """WhatsApp markup around each line (it does not span line breaks), outside leading and trailing spaces."""
    lines = []
    for line in text.split("\n"):
        core = line.strip()
        lines.append(line.replace(core, f"{mark}{core}{mark}", 1) if core else line)
    return "\n".join(lines)


def escape(text: str) -> str:
    """User or knowledge text made safe for Telegram HTML."""
    return html.escape(text, quote=False)


def shorten(text: str, limit: int = 60) -> str:
    """`text` cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def shorten_words(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut between words with an ellipsis, never inside a word
    (a single word longer than the limit is the only exception)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head and not text[limit - 1].isspace():
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,.;:-–(") + "…"


def split_text(text: str, limit: int = 4096) -> list[str]:
    """Split plain or WhatsApp text into messages of at most `limit` characters: between paragraphs
    where possible, else between lines, else between words."""
    text = text.strip("\n")
    parts: list[str] = []
    while len(text) > limit:
        window = text[: limit + 1]
        for sep in ("\n\n", "\n", " "):
            cut = window.rfind(sep)
            if cut >= limit // 4:
                break
        else:
            cut = limit  # one word longer than a message: no better place
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text.strip():
        parts.append(text)
    return parts or [""]


def verdict_label(fact: Fact, lang: str = "id") -> str:
    """The verdict as shown to citizens, or the plain-fact label."""
    return t(f"verdict.{fact.verdict}", lang) if fact.verdict else t("fact.label", lang)


def headline(fact: Fact, lang: str = "id", limit: int = 60) -> str:
    """A short line naming a fact, for buttons and lists.

    A rated claim always carries its verdict ("❌ HOAKS: …"), so that a list of facts never shows a
    false claim as if it were one.
    """
    if fact.verdict:
        label = t(f"verdict.{fact.verdict}", lang) + ": "
        return label + shorten(fact.text("claim", lang), max(limit - len(label), 10))
    return shorten(fact.text("statement", lang), limit)


def reply_language(answer: Answer, chosen: str | None, default: str) -> str:
    """The language to reply in: the one the citizen chose; else English for an English message."""
    return chosen or ("en" if answer.lang == "en" else default)


def describe_gaps(gaps: tuple[Gap, ...], lang: str = "id", period: tuple[str, ...] = ()) -> str:
    """What a message asks that no verified fact covers ("September 2023", "Papua"), in words.

    `period` is the months and years the message names, so that a gap in the year reads as the whole
    period asked ("September 2023", not just "2023").
    """
    phrases = []
    if any(g.kind in ("year", "month") for g in gaps):
        names = {"id": _MONTH_NAMES_ID, "en": _MONTH_NAMES_EN}.get(lang, _MONTH_NAMES_ID)
        said = period or tuple(v for g in gaps if g.kind in ("month", "year") for v in g.said)
        months = [names[v] for v in said if v in names]
        years = [v for v in said if v not in names]
        text = " ".join([*months, *years])
        phrases.append(t("gap.period" if months and years else "gap.month" if months else "gap.year", lang,
                         said=text))
    for gap in gaps:
        if gap.kind in ("year", "month"):
            continue
        named = ", ".join(gap.said)
        suffix = f" ({named})" if named else ""
        key = f"gap.{gap.kind}"
        if key in TEXTS:
            text = t(key, lang, said=named, said_suffix=suffix)
            if text not in phrases:
                phrases.append(text)
    return t("gap.and", lang).join(phrases[:2]) or t("gap.howmany", lang)


def describe_difference(gap: Gap, lang: str = "id") -> str:
    """A detail of a message that the answering fact corrects, as one sentence."""
    key = ("difference.date" if gap.unit == "date" else "difference.number") if gap.kind == "number" else "difference"
    unit = t("unit.percent", lang) if gap.unit == "percent" else ""
    said = ", ".join(f"{v}{unit}" for v in gap.said) or "-"
    verified = ", ".join(f"{v}{unit}" for v in gap.verified) or "-"
    return t(key, lang, said=said, verified=verified)


def render_fact(fact: Fact, lang: str = "id", fmt: str = HTML, matched_terms: tuple[str, ...] = (),
                today: date | None = None, differences: tuple[Gap, ...] = ()) -> str:
    """A fact as a citizen reads it: verdict, what the message got wrong, claim, statement, caveats,
    why it matched, sources."""
    f = _Format(fmt)
    lines = [f.bold(verdict_label(fact, lang))]
    lines += [f.esc(describe_difference(g, lang)) for g in differences]
    if fact.claim:
        lines.append(f.italic(t("claim", lang, claim=fact.text("claim", lang))))
    lines += ["", f.esc(fact.text("statement", lang))]
    if fact.note:
        lines += ["", f.esc(t("note", lang, note=fact.text("note", lang)))]
    dates = [t("as_of", lang, date=format_date(fact.as_of, lang))] if fact.as_of else []
    if fact.until:
        expired = fact.until < (today or date.today()).isoformat()
        dates.append(t("expired" if expired else "until", lang, date=format_date(fact.until, lang)))
    if dates:
        lines += ["", f.esc(" ".join(dates))]
    if matched_terms:
        lines.append(f.esc(t("matched", lang, terms=", ".join(matched_terms))))
    lines += ["", f.bold(t("sources", lang))]
    lines += [f.source(s, lang) for s in fact.sources]
    return "\n".join(lines)


def render_answer(answer: Answer, lang: str = "id", fmt: str = HTML, see_also: bool = True) -> str:
    """The whole reply to a citizen's text.

    With `see_also`, other close facts are listed at the end (Telegram offers them as buttons
    instead, so it passes False).
    """
    f = _Format(fmt)
    if answer.kind == "empty":
        return f.esc(t("empty", lang))
    if answer.kind == "smalltalk":
        return f.esc(t("smalltalk", lang))
    if answer.kind == "nearest":
        near = answer.matches[0]
        text = f.esc(t("nearest", lang, gap=describe_gaps(near.gaps, lang, answer.period))) + "\n\n" + \
            render_fact(near.fact, lang, fmt, near.matched_terms)
        if see_also and len(answer.matches) > 1:
            others = [f"• {f.esc(headline(m.fact, lang))} ({m.fact.id})" for m in answer.matches[1:]]
            text += "\n\n" + f.bold(t("nearest.also", lang)) + "\n" + "\n".join(others)
        return text
    if not answer.answered:
        return f.esc(t("not_found", lang) + "\n\n" + t("not_found.tips", lang))
    best = answer.matches[0]
    text = render_fact(best.fact, lang, fmt, best.matched_terms, differences=best.differences)
    if see_also and len(answer.matches) > 1:
        others = [f"• {f.esc(headline(m.fact, lang))} ({m.fact.id})" for m in answer.matches[1:]]
        text += "\n\n" + f.bold(t("see_also", lang)) + "\n" + "\n".join(others)
    return text


def match_json(m: Match, lang: str = "id") -> dict:
    """One match in the `cekfakta ask --json` contract."""
    fact = m.fact
    return {
        "id": fact.id,
        "statement": fact.text("statement", lang),
        "verdict": fact.verdict or None,
        "claim": fact.text("claim", lang) or None,
        "note": fact.text("note", lang) or None,
        "topic": fact.topic,
        "as_of": fact.as_of or None,
        "sources": [{"url": s.url or None, "publisher": s.publisher, "published": s.published or None,
                     "title": s.title or None} for s in fact.sources],
        "score": m.score,
        "matched_terms": list(m.matched_terms),
        **({"differences": [_gap_json(g) for g in m.differences]} if m.differences else {}),
        **({"gaps": [_gap_json(g) for g in m.gaps]} if m.gaps else {}),
    }


def _gap_json(gap: Gap) -> dict:
    return {"kind": gap.kind, "said": list(gap.said), "verified": list(gap.verified)}


def answer_json(answer: Answer, lang: str = "id") -> dict:
    """An answer in the `cekfakta ask --json` contract.

    `matches` is empty when not answered; when the nearest verified facts are offered instead,
    they are under `nearest`, each with the `gaps` that keep it from answering.
    """
    data = {
        "query": answer.query,
        "answered": answer.answered,
        "lang": answer.lang,
        "matches": [match_json(m, lang) for m in answer.matches] if answer.answered else [],
    }
    if answer.kind == "nearest":
        data["nearest"] = [match_json(m, lang) for m in answer.matches]
    return data


_HTML_TOKEN = re.compile(r"<[^>]+>|[^<\s]+|\s+")
_TAG_NAME = re.compile(r"^<\s*(/?)\s*([a-zA-Z0-9-]+)")


def _tag(token: str) -> tuple[bool, str] | None:
    """(is_closing, name) for an HTML tag token, else None."""
    match = _TAG_NAME.match(token) if token.startswith("<") else None
    return (match.group(1) == "/", match.group(2).lower()) if match else None


def split_html(text: str, limit: int = 4096) -> list[str]:
    """Split Telegram HTML into messages of at most `limit` characters.

    Cuts fall on paragraph breaks where possible, then line breaks, then spaces; never inside a
    tag or an entity. Tags open at a cut are closed at the end of one part and reopened at the
    start of the next, so every part is valid HTML on its own.
    """
    if len(text) <= limit and text.strip():  # the usual reply: one message, nothing to cut
        return [text.strip("\n")]
    tokens = _HTML_TOKEN.findall(text)
    parts: list[str] = []
    while tokens:
        part, tokens = _take(tokens, limit)
        if part.strip():
            parts.append(part.strip("\n"))
    return parts or [text[:limit]]


def _take(tokens: list[str], limit: int) -> tuple[str, list[str]]:
    stack: list[tuple[str, str]] = []  # (opening token, name)
    size = 0
    cuts: list[tuple[int, int, int, list[tuple[str, str]]]] = []  # (index after the cut, priority, size, stack)
    for i, token in enumerate(tokens):
        tag = _tag(token)
        closing = sum(len(name) + 3 for _, name in stack)
        if tag and not tag[0]:
            closing += len(tag[1]) + 3
        if size + len(token) + closing > limit:
            break
        if tag and tag[0]:
            if stack and stack[-1][1] == tag[1]:
                stack.pop()
        elif tag:
            stack.append((token, tag[1]))
        size += len(token)
        if token.isspace():
            priority = 2 if "\n\n" in token else 1 if "\n" in token else 0
            cuts.append((i + 1, priority, size, list(stack)))
    else:
        return "".join(tokens), []
    good = [c for c in cuts if c[2] >= limit // 2] or cuts
    if not good:
        # One word longer than the limit: cut the word itself (plain text, no tag inside).
        head, rest = tokens[0][: limit - 1], tokens[0][limit - 1:]
        return head, [rest, *tokens[1:]]
    index, _, _, open_tags = max(good, key=lambda c: (c[1], c[2]))
    ends = "".join(f"</{name}>" for _, name in reversed(open_tags))
    reopening = [token for token, _ in open_tags]
    return "".join(tokens[:index]) + ends, reopening + tokens[index:]


def share_link(fact_id: str, base_url: str, lang: str = "id", fmt: str = HTML) -> str:
    """The line that links an answer to its fact's public page; "" without a base URL (CEKFAKTA_PUBLIC_URL)."""
    if not base_url:
        return ""
    from bot.claimreview import page_url

    url = page_url(base_url, fact_id)
    if fmt == HTML:
        before, _, after = t("share.link", lang, url="{url}").partition("{url}")
        return f'{escape(before)}<a href="{html.escape(url, quote=True)}">{escape(url)}</a>{escape(after)}'
    return t("share.link", lang, url=url)
