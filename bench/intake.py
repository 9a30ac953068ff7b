"""Intake: complaints per second through the public API, and imported cases per second.

Per backend (SQLite, and PostgreSQL when reachable), on fresh databases:

1. API: migrate, load the demo organisation (``insaf demo``) plus a complaint policy and routing
   rules, train the triage model (``insaf triage train``: intake labels with it, as in
   production), start gunicorn (one worker per core, rate limits off), and let concurrent client
   processes (each with one persistent HTTP/1.1 connection) post realistic complaints to
   ``POST /api/v1/complaints`` for a fixed time. Prints complaints/s, p50/p95/p99 latency, the
   cases accepted, and checks that every reference the API returned is in the database afterwards.
2. Import: generate historical records to a JSONL file and time ``insaf import`` on it.

Texts are generated: Arabic (standard and dialect), French, English and Arabizi sentences, 100 to
1,500 characters, about a quarter anonymous, phones sometimes in Arabic-Indic digits. Targets
(reported, not asserted): >= 400/s on PostgreSQL and >= 250/s on SQLite with p99 < 100 ms;
>= 5,000 imported cases/s on SQLite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, backends, fresh_database, run_child, timed_import, write_results

SECONDS = 20
CLIENTS = 4  # client processes (two per worker); they share the cores with the server
# gunicorn sync workers: one per core (two here), since each request is CPU-bound and the clients
# share the same cores; BENCH_WORKERS overrides it to compare (3 and 4 were measured too).
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
IMPORT_RECORDS = 50_000
PORT = 8765
COUNTRY = "JO"
ENDPOINT = "/api/v1/complaints"
TARGETS = {"postgresql": 400, "sqlite": 250}
IMPORT_TARGET = 5000
P99_TARGET_MS = 100
# Rate limits off for the server under test (read by the API's throttles).
SERVER_ENV = {"INSAF_RATE_FILE": "off", "INSAF_RATE_TRACK": "off"}

# --- Realistic complaints ------------------------------------------------------------------------
MSA = [
    "تقدمت بطلب لتجديد جواز السفر منذ ثلاثة أشهر ولم أحصل على أي رد رغم مراجعاتي المتكررة للدائرة.",
    "أوقفني أحد أفراد الشرطة على الطريق وطلب مني مبلغاً من المال مقابل عدم تحرير المخالفة.",
    "تم توقيف ابني دون مذكرة توقيف ولم يسمح له بالاتصال بمحامٍ طوال يومين.",
    "رفض الضابط المناوب في المركز تسجيل شكواي بحجة أن الموضوع لا يستحق.",
    "أرجو السماح لي بزيارة أخي النزيل في مركز الإصلاح فقد مضى شهران دون زيارة.",
    "تعرضت للإهانة والشتم من موظف في قسم الأحوال المدنية أمام المراجعين.",
    "صادروا هاتفي أثناء التفتيش ولم يعيدوه حتى الآن رغم انتهاء التحقيق.",
    "أشكر أفراد دورية السير على مساعدتهم لي عندما تعطلت سيارتي ليلاً.",
    "أقترح توفير مواعيد إلكترونية في دائرة الجوازات لتخفيف الطوابير الطويلة.",
    "زوجتي مسنة وتستخدم كرسياً متحركاً ولا يوجد مدخل مناسب في مبنى المديرية.",
    "تأخر إصدار شهادة عدم المحكومية أكثر من شهر وهي مطلوبة لعملي.",
    "الزنزانة مكتظة جداً والطعام لا يكفي والنزلاء ينامون على الأرض.",
    "اعتدى علي أحد العناصر بالضرب أثناء فض التجمع رغم أنني لم أقاوم.",
    "أبلغت عن سرقة سيارتي قبل أسبوعين ولم يتحرك أحد للتحقيق في البلاغ.",
    "نشروا صوري على مواقع التواصل بعد توقيفي دون أي إذن مني.",
    "تعرض أخي للتعذيب في أثناء التحقيق وأجبر على التوقيع على اعتراف.",
    "اختفى ابن عمي منذ توقيفه الأسبوع الماضي ولا نعرف مكان احتجازه.",
    "أطلب نقل ابني النزيل إلى مركز إصلاح قريب من سكن العائلة.",
]
DIALECT = [
    "والله رحت على المركز تلات مرات وكل مرة بيقولولي ارجع بكرة، شو هالحكي؟",
    "الشرطي شتمني قدام الناس وما عملت ولا إشي غلط، بدي حقي.",
    "يا جماعة صارلي شهر مستني الهوية وما حدا بيرد على التلفون.",
    "العسكري طلب مني فلوس عشان يمشي المعاملة، هاد مش معقول.",
    "ابني عمره ١٥ سنة وحطوه مع الكبار بالنظارة، أنا خايفة عليه كتير.",
    "إحنا بنشكركم على المعاملة المحترمة بمكتب الجوازات، الله يعطيكم العافية.",
    "ما خلوني أشوف المحامي ولا أتصل بأهلي طول الليل.",
    "الطابور كان طويل كتير وما في حدا بينظم، قعدنا من الصبح للعصر.",
    "ضربوني بالعصا على ضهري لما سألتهم ليش موقفيني.",
    "أخدوا موبايلي وقالوا بترجعه بعدين وما رجعوه.",
]
ENGLISH = [
    "I applied to renew my residence permit three months ago and nobody has answered since.",
    "The officer at the station refused to register my complaint and shouted at me.",
    "My brother was detained without charge and has had no lawyer for four days.",
    "A traffic policeman asked me for a bribe to cancel the fine.",
    "I would like to thank the patrol that helped my family after the accident.",
    "The queue at the passport office was so long that elderly people fainted.",
    "They seized my phone during the search and it was returned damaged.",
    "I suggest an online appointment system for the civil status office.",
]
FRENCH = [
    "J'ai déposé une demande de passeport il y a deux mois et je n'ai aucune réponse.",
    "Le policier m'a insulté devant tout le monde sans aucune raison.",
    "Mon fils est détenu sans avocat depuis trois jours et nous ne pouvons pas le voir.",
    "Un agent m'a demandé un pot-de-vin pour accélérer le dossier.",
    "Je remercie le personnel du commissariat pour leur accueil et leur patience.",
    "Les détenus dorment par terre, la cellule est surpeuplée et la nourriture manque.",
    "Je suggère d'ouvrir le bureau le samedi pour les personnes qui travaillent.",
]
ARABIZI = [
    "ana ro7t 3al markaz 3 marrat w kol marra bi2oloule erja3 bokra, hay msh 3adle.",
    "el shorti shatamni 2oddam el nas w ana ma 3amalet eshi ghalat.",
    "sarli shahr mestanni el hawiyye w ma 7ada byrodd 3al telefon.",
    "tlob menni masari 3ashan ymashi el mo3amale, hada fasad.",
    "akhadu el mobile taba3i w ma rajja3uh la hal2.",
]
PLACES = ["عمّان", "إربد", "الزرقاء", "العقبة", "مادبا", "السلط", "جرش", "الكرك", "Amman", "Irbid"]
NAMES = ["محمد", "أحمد", "فاطمة", "خالد", "مريم", "يوسف", "ليلى", "عمر", "سارة", "حسن", "نور"]
FAMILIES = ["العلي", "الخطيب", "الحسن", "النجار", "الزعبي", "المصري", "حداد", "الرفاعي", "عبيدات"]
REGISTERS = [(MSA, 45), (DIALECT, 25), (ENGLISH, 10), (FRENCH, 10), (ARABIZI, 10)]
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def complaint_text(rng: random.Random) -> str:
    """One complaint of 100-1,500 characters, in one register, with a few unique details."""
    sentences = rng.choices([pool for pool, _ in REGISTERS], [w for _, w in REGISTERS])[0]
    target = rng.randint(100, 1500)
    arabic = sentences in (MSA, DIALECT)
    parts: list[str] = []
    length = 0
    while length < target:
        sentence = rng.choice(sentences)
        if rng.random() < 0.3:
            day, month = rng.randint(1, 28), rng.randint(1, 12)
            place = rng.choice(PLACES)
            detail = (
                f" حدث ذلك في {place} بتاريخ {day}/{month}/2025."
                if arabic
                else f" It happened in {place} on {day}/{month}/2025."
            )
            sentence += detail
        parts.append(sentence)
        length += len(sentence) + 1
    text = " ".join(parts)
    if len(text) > target:
        cut = text.rfind(" ", 0, target)
        text = text[: cut if cut >= 100 else target]
    return text


def phone(rng: random.Random) -> str:
    number = f"07{rng.choice('789')}{rng.randint(0, 9_999_999):07d}"
    style = rng.random()
    if style < 0.25:
        return number.translate(ARABIC_DIGITS)
    if style < 0.4:
        return "+962 " + number[1:3] + " " + number[3:6] + " " + number[6:]
    return number


def complainant(rng: random.Random) -> dict[str, str]:
    person = {"name": f"{rng.choice(NAMES)} {rng.choice(NAMES)} {rng.choice(FAMILIES)}"}
    if rng.random() < 0.9:
        person["phone"] = phone(rng)
    if "phone" not in person or rng.random() < 0.2:
        person["email"] = f"filer{rng.randint(1, 10**9)}@example.org"
    if rng.random() < 0.3:
        person["national_id"] = f"{rng.randint(10**9, 10**10 - 1)}"
    return person


def api_payload(rng: random.Random) -> dict[str, Any]:
    anonymous = rng.random() < 0.25
    payload: dict[str, Any] = {
        "text": complaint_text(rng),
        "country": COUNTRY,
        "anonymous": anonymous,
    }
    if not anonymous:
        payload["complainant"] = complainant(rng)
    return payload


STATUSES = ["registered"] * 5 + ["assigned", "in_progress", "resolved", "closed", "not_upheld"]


def import_record(rng: random.Random, number: int, units: list[int]) -> dict[str, Any]:
    record = api_payload(rng)
    record["external_id"] = f"LEGACY-{number:08d}"
    day = rng.randint(1, 1000)
    record["received_at"] = time.strftime(
        "%Y-%m-%dT%H:%M:%S+03:00", time.gmtime(time.time() - day * 86400 - rng.randint(0, 86399))
    )
    record["status"] = rng.choice(STATUSES)
    if units and rng.random() < 0.3:
        record["unit_complained_about"] = rng.choice(units)
    return record


# --- Child: one backend --------------------------------------------------------------------------
def _setup() -> None:
    import django

    django.setup()


def _prepare_database(var: Path) -> list[int]:
    """Migrate, load the demo organisation, a complaint policy and routing rules; unit ids."""
    env = dict(os.environ, INSAF_DEMO="1", INSAF_VAR_DIR=str(var))
    insaf = [sys.executable, "-m", "insaf.cli"]
    subprocess.run([*insaf, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*insaf, "demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    # Triage as in production: the trained model, in this database's var/triage.
    subprocess.run(
        [*insaf, "triage", "train", "--no-corrections"],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    _setup()
    from insaf.complaints.models import CountryPolicy, RoutingRule
    from insaf.core.models import Unit
    from insaf.triage.labels import Category

    units = {u.code: u for u in Unit.objects.filter(agency__country_id=COUNTRY)}
    CountryPolicy.objects.update_or_create(
        country_id=COUNTRY,
        defaults={"intake_unit": units["complaints-dept"], "oversight_unit": units["oversight"]},
    )
    if not RoutingRule.objects.filter(country_id=COUNTRY).exists():
        RoutingRule.objects.create(
            country_id=COUNTRY, category=Category.SERVICE_DELAY, unit=units["capital-office"]
        )
        RoutingRule.objects.create(
            country_id=COUNTRY, category=Category.DETENTION_CONDITIONS, unit=units["oversight"]
        )
    return [u.pk for u in units.values()]


def _wait_for(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited at start-up")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer")


def client(port: int, seconds: float, seed: int, start_at: float) -> None:
    """One client process: post complaints on one connection until the time is up."""
    rng = random.Random(seed)
    bodies = [json.dumps(api_payload(rng), ensure_ascii=False).encode() for _ in range(400)]
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    references: list[str] = []
    samples: list[str] = []
    while time.time() < start_at:
        time.sleep(0.005)
    deadline = time.monotonic() + seconds
    sent = 0
    while time.monotonic() < deadline and sent < 1_000_000:
        body = bodies[sent % len(bodies)]
        sent += 1
        began = time.perf_counter()
        try:
            conn.request("POST", ENDPOINT, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            statuses[0] += 1
            if len(samples) < 3:
                samples.append(repr(exc))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append(time.perf_counter() - began)
        statuses[response.status] += 1
        if response.status in (200, 201):
            try:
                reference = json.loads(data).get("reference")
            except ValueError:
                reference = None
            if reference:
                references.append(reference)
        elif len(samples) < 3:
            samples.append(f"{response.status}: {data[:300].decode(errors='replace')}")
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()
    print(
        json.dumps(
            {
                "latencies": latencies,
                "statuses": statuses,
                "references": references,
                "samples": samples,
            }
        )
    )


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _api(seconds: float, clients: int, var: Path) -> dict[str, Any]:
    from insaf.complaints.models import Complaint

    port = PORT + os.getpid() % 1000
    env = dict(os.environ, INSAF_VAR_DIR=str(var), **SERVER_ENV)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "insaf.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        _wait_for(port, server)
        load_before = round(os.getloadavg()[0], 2)
        start_at = time.time() + 1.0
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--client",
                    "--port",
                    str(port),
                    "--seconds",
                    str(seconds),
                    "--seed",
                    str(1000 + n),
                    "--start-at",
                    str(start_at),
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            for n in range(clients)
        ]
        outputs = [proc.communicate(timeout=seconds + 120)[0] for proc in procs]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    references: list[str] = []
    samples: list[str] = []
    for output in outputs:
        result = json.loads(output.strip().splitlines()[-1])
        latencies += result["latencies"]
        statuses.update({str(k): v for k, v in result["statuses"].items()})
        references += result["references"]
        samples += result["samples"]
    stored = 0
    for start in range(0, len(references), 500):
        stored += Complaint.objects.filter(reference__in=references[start : start + 500]).count()
    accepted = statuses.get("201", 0) + statuses.get("200", 0)
    return {
        "load_average_before": load_before,
        "load_average_after": round(os.getloadavg()[0], 2),
        "complaints_per_s": round(accepted / seconds, 1),
        "requests": sum(statuses.values()),
        "accepted": accepted,
        "statuses": dict(statuses),
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 1),
        "references_returned": len(references),
        "references_in_database": stored,
        "all_references_stored": stored == len(references) == accepted,
        "error_samples": samples[:5],
    }


def child_api(seconds: float, clients: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp)
        _prepare_database(var)
        print(json.dumps(_api(seconds, clients, var)))


def child_import(records: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp)
        units = _prepare_database(var)
        rng = random.Random(7)
        source = var / "legacy.jsonl"
        characters = 0
        with source.open("w", encoding="utf-8") as out:
            for number in range(1, records + 1):
                record = import_record(rng, number, units)
                characters += len(record["text"])
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        load_before = round(os.getloadavg()[0], 2)
        summary, rate, wall = timed_import(source, var)
        from insaf.audit.services import audit_verify
        from insaf.complaints.models import Complaint

        print(
            json.dumps(
                {
                    "load_average_before": load_before,
                    "load_average_after": round(os.getloadavg()[0], 2),
                    "records": records,
                    "mean_text_chars": round(characters / records),
                    "imported_per_s": rate,
                    "wall_s_with_start_up": round(wall, 1),
                    "cases_in_database": Complaint.objects.count(),
                    "audit_ok": audit_verify().ok,
                    "summary": summary,
                }
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--client", action="store_true")
    parser.add_argument("--part", choices=["api", "import"], default="api")
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--records", type=int, default=IMPORT_RECORDS)
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start-at", type=float, default=0.0)
    parser.add_argument("--skip-api", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    options = parser.parse_args()
    if options.client:
        client(options.port, options.seconds, options.seed, options.start_at)
        return
    if options.child:
        if options.part == "api":
            child_api(options.seconds, options.clients)
        else:
            child_import(options.records)
        return
    lines: list[str] = []
    data: dict[str, Any] = {}
    script = Path(__file__)
    for backend in backends():
        figures: dict[str, Any] = {}
        if not options.skip_api:
            with fresh_database(backend, "insaf_bench_intake") as url:
                api = run_child(
                    script,
                    url,
                    "--part=api",
                    f"--seconds={options.seconds}",
                    f"--clients={options.clients}",
                )
            figures["api"] = api
            target = TARGETS[backend]
            met = api["complaints_per_s"] >= target and api["p99_ms"] < P99_TARGET_MS
            line = (
                f"intake {backend}: {api['complaints_per_s']} complaints/s "
                f"({options.clients} clients, {WORKERS} workers, {options.seconds:g} s), "
                f"p50 {api['p50_ms']} ms, p95 {api['p95_ms']} ms, p99 {api['p99_ms']} ms, "
                f"accepted {api['accepted']} of {api['requests']}, statuses {api['statuses']}, "
                f"all references stored: {api['all_references_stored']}, load average "
                f"{api['load_average_before']}->{api['load_average_after']} "
                f"[target >= {target}/s, p99 < {P99_TARGET_MS} ms: {'met' if met else 'NOT met'}]"
            )
            print(line, flush=True)
            lines.append(line)
            if api["error_samples"]:
                print(f"  error samples: {api['error_samples']}", flush=True)
        if not options.skip_import:
            with fresh_database(backend, "insaf_bench_import") as url:
                imported = run_child(script, url, "--part=import", f"--records={options.records}")
            figures["import"] = imported
            met = backend != "sqlite" or (imported["imported_per_s"] or 0) >= IMPORT_TARGET
            line = (
                f"import {backend}: {imported['imported_per_s']} cases/s for "
                f"{imported['records']} records of {imported['mean_text_chars']} characters on "
                f"average ({imported['wall_s_with_start_up']} s wall with start-up), "
                f"{imported['cases_in_database']} cases in the database, audit chain ok: "
                f"{imported['audit_ok']}, load average {imported['load_average_before']}->"
                f"{imported['load_average_after']}"
                + (f" [target >= {IMPORT_TARGET}/s: {'met' if met else 'NOT met'}]")
                * (backend == "sqlite")
            )
            print(line, flush=True)
            lines.append(line)
        data[backend] = figures
    write_results("intake", lines, data)


if __name__ == "__main__":
    main()
