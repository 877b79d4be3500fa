"""A chat's answers travel while its next update is handled (bot/outbox.py), and arrive in the
order of the updates."""

from __future__ import annotations

import asyncio
import time

from telegram.ext import Application

from bot.app import services_of

LATENCY = 0.5  # seconds the double takes to answer each send


async def language_of(app: Application, username: str) -> str:
    member = await services_of(app).members.find(username)
    return member.language


async def test_the_next_update_is_handled_while_the_answer_before_it_travels(
    double, people, app: Application
) -> None:
    await double.send_text(people.chi, "/lang en")
    await double.wait_for_message(people.chi["id"], contains="English")
    assert await language_of(app, "chi_pham") == "en"
    double.set_latency(LATENCY)
    await double.send_text(people.chi, "/lang en")
    await double.send_text(people.chi, "/lang vi")
    deadline = time.monotonic() + LATENCY * 0.8
    while await language_of(app, "chi_pham") != "vi":  # both updates handled...
        assert time.monotonic() < deadline, "the second update waited for the first answer"
        await asyncio.sleep(0.02)
    assert len(double.messages(people.chi["id"])) == 1  # ...before the first answer arrived
    switched, back = [await double.wait_for_message(people.chi["id"], timeout=LATENCY * 4)
                      for _ in range(2)]
    assert switched["text"] == "Language set to English."  # in the order they were sent
    assert back["text"] == "Đã chuyển ngôn ngữ sang tiếng Việt."


async def test_a_burst_in_one_chat_is_answered_in_order(double, people, app: Application) -> None:
    await double.send_text(people.chi, "/start")
    await double.wait_for_message(people.chi["id"], contains="Xin chào")
    double.set_latency(0.01)
    for code in ("39", "218", "138", "39", "218"):
        await double.send_text(people.chi, f"/directive {code}")
    answers = [await double.wait_for_message(people.chi["id"], timeout=5) for _ in range(5)]
    codes = ["39-NQ/TW", "218-QĐ/TW", "138-QĐ/TW", "39-NQ/TW", "218-QĐ/TW"]
    for answer, code in zip(answers, codes, strict=True):
        assert code in answer["text"].split("\n")[0]
    await double.idle(quiet=0.2, timeout=5)
    assert len(double.messages(people.chi["id"])) == 6  # the greeting and the five, no more
