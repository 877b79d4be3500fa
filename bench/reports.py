"""How long a year's report takes: 100 members in 10 units, 2,000 tasks (two or three parts
each, some done on time, some late, some open), 120 meetings with answers and check-ins.

    .venv/bin/python bench/reports.py [--members 100] [--tasks 2000]

Rows are written through the bot's own repositories; the report is built by the service the
/report command calls (tallies, the XLSX workbook and the PNG chart), then the directive
report's DOCX, and a CSV export of every part.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bot.access import Scope
from bot.clock import epoch
from bot.i18n import load_catalogues, use_language
from bot.reports.document import directive_docx
from bot.reports.period import Period
from bot.services import Services
from bot.settings import load_settings
from storage.chats import ChatRepository
from storage.checkins import CheckinRepository
from storage.meetings import MeetingRepository, NewMeeting
from storage.members import Member, MemberRepository
from storage.tasks import Report, TaskRepository
from storage.units import UnitRepository

YEAR = 2026
NOW = datetime(YEAR, 12, 31, 10, 0, tzinfo=UTC)
DAY = 86_400


class FixedClock:
    def now(self) -> datetime:
        return NOW


async def seed(services: Services, members: int, tasks: int, meetings: int) -> Member:
    db, now = services.db, epoch(NOW)
    people, units = MemberRepository(db), UnitRepository(db)
    start = epoch(datetime(YEAR, 1, 1, tzinfo=UTC))
    rng = random.Random(39)
    async with db.transaction() as conn:
        admin = await people.record_seen(conn, telegram_id=1, username="admin",
                                         full_name="Quản trị", language="vi", started=True,
                                         now=now)
        roster: dict[int, list[int]] = {}
        for n in range(members):
            unit = -1000 - n % 10
            if unit not in roster:
                await ChatRepository(db).record_seen(conn, unit, "supergroup",
                                                     f"Chi bộ số {n % 10 + 1}", now)
                await ChatRepository(db).set_subscribed(conn, unit, True, 1, now)
                roster[unit] = []
            member = await people.record_seen(conn, telegram_id=100 + n, username=f"m{n}",
                                              full_name=f"Đảng viên {n}", language="vi",
                                              started=True, now=now)
            await units.join(conn, unit, member.id, "admin", now)
            roster[unit].append(member.id)
        repository = TaskRepository(db)
        for n in range(tasks):
            unit = rng.choice(list(roster))
            due = start + rng.randrange(365 * DAY)
            task_id = await repository.insert(
                conn, title=f"Nhiệm vụ {n}", tag="39-NQ/TW" if n % 10 == 0 else None,
                due_at=due, group_chat_id=unit, created_by=admin.id, now=start)
            assert task_id is not None
            assignees = rng.sample(roster[unit], rng.choice((2, 3)))
            await repository.add_assignees(conn, task_id, assignees)
            for member_id in assignees:
                if due < now and rng.random() < 0.8:
                    done = due + rng.randrange(-5 * DAY, 3 * DAY)
                    await repository.close_part(conn, task_id, member_id, status="done",
                                                by=member_id, now=min(done, now),
                                                report=Report(note="Đã hoàn thành"))
        meeting_rows, checkins = MeetingRepository(db), CheckinRepository(db)
        for n in range(meetings):
            unit = list(roster)[n % len(roster)]
            starts = start + n * 3 * DAY
            meeting_id = await meeting_rows.insert(conn, NewMeeting(
                f"Họp chi bộ {n}", "Hội trường", "", starts, None, unit, admin.id), start)
            assert meeting_id is not None
            await meeting_rows.add_attendees(conn, meeting_id, roster[unit])
            for member_id in roster[unit]:
                answer = rng.choice(("attend", "attend", "absent", None))
                if answer is not None:
                    await meeting_rows.respond(conn, meeting_id, member_id, answer, start,
                                               awaiting_reason=False)
                if answer == "attend" and n % 2 == 0:
                    await checkins.check_in(conn, meeting_id, member_id, member_id, starts)
    return admin


async def main(members: int, tasks: int, meetings: int) -> None:
    load_catalogues()
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(_env_file=None, database_path=Path(folder) / "bench.sqlite3",
                                 bot_token="123:bench")
        services = Services.create(settings, FixedClock())
        await services.db.open()
        try:
            admin = await seed(services, members, tasks, meetings)
            scope = Scope(admin, org_admin=True)
            year = Period("year", date(YEAR, 1, 1), date(YEAR, 12, 31))
            with use_language("vi"):
                timings = [await _timed(services.reports.period_report(scope, year))
                           for _ in range(3)]
                (built, seconds) = min(timings, key=lambda t: t[1])
                _summary, summary_s = await _timed(
                    services.reports.period_report(scope, year, files=False))
                directive, directive_s = await _timed(
                    services.reports.directive(scope, "39-NQ/TW"))
                started = time.perf_counter()
                directive_docx(directive, settings.zone, epoch(NOW))
                docx_s = time.perf_counter() - started
                export, export_s = await _timed(
                    services.exports.export(scope, "tasks", year, xlsx=False))
        finally:
            await services.db.close()
    report = built.report
    print(f"{members} members, {tasks} tasks ({report.total.assigned} parts), "
          f"{len(report.meetings)} meetings ({report.total.invited} attendances)")
    print(f"  year's report, summary + XLSX + PNG chart: {seconds:.2f} s (best of 3); "
          f"XLSX {len(built.workbook or b'') / 1024:.0f} KiB, PNG "
          f"{len(built.chart or b'') / 1024:.0f} KiB")
    print(f"  summary message only:                      {summary_s:.2f} s")
    print(f"  directive report (tallies + XLSX + chart):  {directive_s:.2f} s, DOCX "
          f"{docx_s:.2f} s ({len(directive.built.report.tasks)} tasks)")
    print(f"  CSV export of every part:                   {export_s:.2f} s ({export.rows} rows)")


async def _timed(awaitable):
    started = time.perf_counter()
    result = await awaitable
    return result, time.perf_counter() - started


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--meetings", type=int, default=120)
    args = parser.parse_args()
    asyncio.run(main(args.members, args.tasks, args.meetings))
