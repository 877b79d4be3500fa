"""Lookups end to end: directives, lists, items, conferences, search and /import, vi and en."""

from __future__ import annotations

import pytest

from bot.app import build_application, running
from bot.knowledge.folding import fold
from bot.settings import Settings
from tests.databases import BACKEND
from tests.double import BotApiDouble
from tests.e2e.test_help import open_topic
from tests.knowledge_support import NEW_LIST

JSON = dict


async def ask(double: BotApiDouble, user: JSON, text: str, contains: str | None = None,
              chat: JSON | None = None) -> JSON:
    """Send text as the user; return the first reply (containing ``contains``, if given)."""
    sent = await double.send_text(user, text, chat=chat)
    chat_id = user["id"] if chat is None else chat["id"]
    return await double.wait_for_message(chat_id, timeout=5, contains=contains, after=sent)


async def press(double: BotApiDouble, message: JSON, user: JSON, data: str,
                contains: str | None = None) -> JSON:
    """Press a button of ``message``; return the next new message (containing ``contains``)."""
    await double.press(message, user, data=data)
    return await double.wait_for_message(message["chat"]["id"], timeout=5, contains=contains)


async def answer(double: BotApiDouble, user: JSON, text: str) -> list[JSON]:
    """Every message of a reply long enough to be split; the buttons are on the last one."""
    first = await ask(double, user, text)
    await double.idle(quiet=0.1, timeout=5)
    rest = [m for m in double.messages(user["id"]) if m["message_id"] > first["message_id"]]
    for _message in rest:  # consumed, so later waits start after them
        await double.wait_for_message(user["id"], timeout=5)
    return [first, *rest]


def buttons(message: JSON) -> dict[str, str]:
    """Button text -> callback data, for every inline button of the message."""
    rows = (message["reply_markup"] or {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in rows for button in row}


def current(double: BotApiDouble, message: JSON) -> JSON:
    """The message as it is now (after edits)."""
    found = [m for m in double.messages(message["chat"]["id"])
             if m["message_id"] == message["message_id"]]
    return found[0]


# ---- documents ----------------------------------------------------------------------------
@pytest.mark.usefixtures("app")
async def test_directives_are_grouped_by_kind_and_paged(double, people) -> None:
    first = await ask(double, people.binh, "/directives")
    assert first["protect_content"]
    assert first["text"].startswith("Documents (23). Tap one for its summary.\n\nResolutions\n")
    assert "• 39-NQ/TW — Building and developing Nghe An province to 2030" in first["text"]
    codes = {text for text, data in buttons(first).items() if data.startswith("kb:d:")}
    page = first
    while "Next ›" in buttons(page):
        await double.press(page, people.binh, data=buttons(page)["Next ›"])
        await double.wait_for_call("editMessageText", timeout=5)
        page = current(double, first)
        codes |= {text for text, data in buttons(page).items() if data.startswith("kb:d:")}
    assert len(codes) == 23
    assert {"39-NQ/TW", "Decision 137 of the Secretariat", "08-QĐi/TW", "1059/QĐ-TTg",
            "68-CTr/TU", "138-QĐ/TW", "217-QĐ/TW", "27-QĐ/TU"} <= codes
    assert not {code for code in codes if "QD" in code or ("-" in code and code.islower())}
    assert "‹ Previous" in buttons(page)
    vietnamese = await ask(double, people.chi, "/directives")
    assert vietnamese["text"].startswith("Văn bản (23). Bấm vào một văn bản để xem tóm tắt.")
    assert "\n\nNghị quyết\n• 137/2024/QH15 — Về thí điểm" in vietnamese["text"]  # newest first
    assert "\n• 39-NQ/TW — Về xây dựng và phát triển tỉnh Nghệ An" in vietnamese["text"]


@pytest.mark.usefixtures("app")
async def test_a_directive_is_found_however_its_code_is_written(double, people) -> None:
    for typed in ("39", "39-NQ/TW", "39/NQ-TW", "nq39", "NQ 39", "nghi quyet 39"):
        answer = await ask(double, people.binh, f"/directive {typed}")
        assert answer["text"].startswith("Resolution 39-NQ/TW\nBuilding and developing Nghe An")
        assert "Issued by: Politburo\nDate: 18 July 2023" in answer["text"]
        assert answer["protect_content"]
    for typed in ("138", "138-QĐ/TW", "qd138", "138-QD/TW", "qd 138", "QD 138"):
        answer = await ask(double, people.chi, f"/directive {typed}")
        assert answer["text"].startswith("Quy định 138-QĐ/TW\n")
        assert "Cơ quan ban hành: Ban Bí thư\nNgày: 01/12/2023" in answer["text"]
    for typed, heading in (("08-QDi/TW", "Quy định 08-QĐi/TW\n"),
                           ("1059/QD-TTg", "Quyết định 1059/QĐ-TTg\n"),
                           ("124-QD/TW", "Quy định 124-QĐ/TW\n"),
                           ("218", "Quyết định 218-QĐ/TW\n"),
                           ("27-QD/TU", "Quy định 27-QĐ/TU\n")):
        answer = await ask(double, people.chi, f"/directive {typed}")
        assert answer["text"].startswith(heading)
        assert "QD" not in answer["text"]
        assert "Resolution" not in answer["text"] and "Decision" not in answer["text"]
    former = await ask(double, people.chi, "/directive 27")
    assert "Cách gọi khác: 08-QĐ/TU\n" in former["text"]
    assert "Cơ quan ban hành: Nguồn không nêu cơ quan ban hành" in former["text"]


@pytest.mark.usefixtures("app")
async def test_an_ambiguous_code_offers_a_choice(double, people) -> None:
    choice = await ask(double, people.binh, "/directive 137")
    assert choice["text"] == "Several documents match “137”. Which one?"
    assert list(buttons(choice)) == ["137/2024/QH15", "Decision 137 of the Secretariat"]
    chosen = await press(double, choice, people.binh,
                         buttons(choice)["Decision 137 of the Secretariat"])
    assert chosen["text"].startswith("Decision 137 of the Secretariat\nIssued by: Secretariat\n")
    vietnamese = await ask(double, people.chi, "/directive 5 nhiem vu chung")
    assert vietnamese["text"].startswith(
        "Quyết định 137 của Ban Bí thư\nCơ quan ban hành: Ban Bí thư")
    assert "decision-137" not in vietnamese["text"]
    old = await ask(double, people.chi, "/directive 08")
    assert list(buttons(old)) == ["08-QĐi/TW", "27-QĐ/TU"]
    unknown = await ask(double, people.chi, "/directive 999")
    assert unknown["text"].startswith("Không có văn bản nào khớp với “999”.")
    usage = await ask(double, people.binh, "/directive")
    assert usage["text"].startswith("Which document? Examples: /directive 39, /directive 138")


@pytest.mark.usefixtures("app")
async def test_a_directive_leads_to_its_lists_and_conferences(double, people) -> None:
    answer = await ask(double, people.binh, "/directive 35-CT/TW")
    assert "Lists that refer to it\n• Tasks the Provincial Party Secretary set" in answer["text"]
    assert "Cited at these conferences\n• Nghe An Provincial Party Secretary" in answer["text"]
    conference = await press(double, answer, people.binh, buttons(answer)["🏛 12 September 2024"])
    assert "Date: 12 September 2024" in conference["text"]
    assert "Key figures\n• 18/21 targets of the Bloc's 2020-2025 Congress" in conference["text"]
    assert conference["protect_content"]
    tasks = next(data for text, data in buttons(answer).items() if text.startswith("📋 Tasks"))
    opened = await press(double, answer, people.binh, tasks)
    assert "5. Implement Directive 35-CT/TW" in opened["text"]


# ---- lists and items ----------------------------------------------------------------------
@pytest.mark.usefixtures("app")
@pytest.mark.parametrize(
    ("reader", "six_heading", "six_specifics", "eight_specifics", "source"),
    [
        ("chi", "6 nhiệm vụ trọng tâm của cán bộ chủ chốt cấp xã",
         ["Chương trình Mỗi xã một sản phẩm (OCOP)", "xóa đói giảm nghèo",
          "xây dựng nhà ở cho hộ nghèo", "sắp xếp địa giới hành chính giai đoạn 2"],
         ["không có vùng cấm, không có ngoại lệ, bất kể người đó là ai",
          "Chỉ thị số 07-CT/TU ngày 13/07/2021", "Quyết định số 217, 218-QĐ/TW"],
         "Nguồn: Kết luận của Ban Thường vụ Tỉnh ủy Nghệ An"),
        ("binh", "The 6 key tasks for commune-level key cadres",
         ["One Commune One Product (OCOP)", "poverty reduction",
          "house building for the poor", "phase-2 administrative boundary merger"],
         ["no forbidden zones, no exceptions, no matter who that person is",
          "Directive 07-CT/TU of 13 July 2021", "Politburo Decisions 217 and 218-QĐ/TW"],
         "Source: Conclusions of the Nghe An Provincial Party Standing Committee"),
    ],
)
async def test_the_six_and_eight_tasks_show_every_item_in_full(
    double, people, reader, six_heading, six_specifics, eight_specifics, source
) -> None:
    user = getattr(people, reader)
    six = await answer(double, user, "/sixtasks")
    text = "\n".join(page["text"] for page in six)
    assert text.startswith(six_heading)
    assert source in text
    assert all(page["protect_content"] and len(page["text"]) <= 4096 for page in six)
    for number in range(1, 7):
        assert f"\n{number}. " in text
    for specific in six_specifics:  # the item's whole text, not only its heading
        assert specific in text
    links = buttons(six[-1])
    assert "📄 39-NQ/TW" in links and any(label.startswith("🏛") for label in links)
    assert not [label for label in links if label.isdigit()]
    eight = await answer(double, user, "/eighttasks")
    text = "\n".join(page["text"] for page in eight)
    assert all(page["protect_content"] and len(page["text"]) <= 4096 for page in eight)
    for number in range(1, 9):
        assert f"\n{number}. " in text
    for specific in eight_specifics:
        assert specific in text
    links = buttons(eight[-1])
    assert {"📄 08-QĐi/TW", "📄 217-QĐ/TW", "📄 124-QĐ/TW", "📄 21-KL/TW"} <= set(links)
    document = await press(double, eight[-1], user, links["📄 217-QĐ/TW"])
    assert "217-QĐ/TW" in document["text"]


@pytest.mark.usefixtures("app")
async def test_an_item_of_a_list_opens_with_its_neighbours(double, people) -> None:
    listed = await ask(double, people.chi, "/list 6 nhiem vu")
    assert "\n1. Sơ kết giữa nhiệm kỳ" in listed["text"]
    assert list(buttons(listed))[:6] == ["1", "2", "3", "4", "5", "6"]
    second = await press(double, listed, people.chi, buttons(listed)["2"])
    assert second["text"].startswith("6 nhiệm vụ trọng tâm của cán bộ chủ chốt cấp xã")
    assert "2. Thực hiện tốt quy chế làm việc" in second["text"]
    assert "sắp xếp địa giới hành chính giai đoạn 2" in second["text"]  # the detail
    assert list(buttons(second)) == ["‹ 1", "Cả danh sách", "3 ›"]
    assert second["protect_content"]


@pytest.mark.usefixtures("app")
async def test_a_list_is_found_by_any_alias_without_marks(double, people) -> None:
    for name in ("six-key-tasks", "6 nhiem vu", "SÁU NHIỆM VỤ TRỌNG TÂM", "six key tasks"):
        answer = await ask(double, people.binh, f"/list {name}")
        assert answer["text"].startswith("The 6 key tasks for commune-level key cadres")
    several = await ask(double, people.binh, "/list nhiem vu")
    assert several["text"] == "Several lists match “nhiem vu”. Which one?"
    assert len(buttons(several)) >= 5
    close = await ask(double, people.chi, "/list sx key taks")
    assert close["text"] == ("Không có danh sách nào tên “sx key taks”. Có phải đồng chí muốn xem "
                             "một trong các danh sách sau?")
    opened = await press(double, close, people.chi, next(iter(buttons(close).values())))
    assert opened["text"].startswith("6 nhiệm vụ trọng tâm")
    common = await ask(double, people.chi, "/list 5 nhiệm vụ chung")  # never listed: Decision 137
    assert common["text"].startswith("Không có danh sách nào tên “5 nhiệm vụ chung”.")
    assert next(iter(buttons(common))) == "Quyết định 137 của Ban Bí thư"
    catalogue = await ask(double, people.binh, "/lists")
    assert catalogue["text"].startswith("Lists (15). Tap one to open it.")
    assert "— 7 items (12 September 2024)" in catalogue["text"]


@pytest.mark.usefixtures("app")
async def test_proposals_show_the_answers(double, people) -> None:
    proposals = await ask(double, people.binh, "/list proposals 3.1-3.7")
    answer = await press(double, proposals, people.binh, buttons(proposals)["3.2"])
    assert "3.2. Upgrade the Party member data management system" in answer["text"]
    assert "Answer: Agreed in principle." in answer["text"]


# ---- conferences ----------------------------------------------------------------------------
@pytest.mark.usefixtures("app")
async def test_a_conference_is_found_by_its_date(double, people) -> None:
    hung_yen = await answer(double, people.binh, "/conference 13/01/2023")
    assert hung_yen[0]["text"].startswith("Hung Yen: conference reviewing Party-building work")
    text = "\n".join(page["text"] for page in hung_yen)
    for figure in ("2/13", "11/13", "94/545", "397/545", "54/545", "13.4%"):
        assert figure in text
    assert all(page["protect_content"] for page in hung_yen)
    assert all(len(page["text"]) <= 4096 for page in hung_yen)
    links = set(buttons(hung_yen[-1]))
    assert {"📋 The 8 important tasks for the Hung Ye…", "📄 21-KL/TW"} <= links
    vietnamese = await ask(double, people.chi, "/conference 2023-12-15")
    assert "Đăng ký xây dựng 1.486 căn nhà, tổng số tiền 93,84 tỷ đồng" in vietnamese["text"]
    assert "Chủ trì: " in vietnamese["text"]
    every = await ask(double, people.binh, "/conference")
    assert every["text"].startswith("Conferences (5).")
    none = await ask(double, people.binh, "/conference 01/01/2099")
    assert none["text"] == "No conference matches “01/01/2099”. Send /conference to see them all."


# ---- search ---------------------------------------------------------------------------------
@pytest.mark.usefixtures("app")
async def test_search_ignores_marks_and_highlights_the_words(double, people) -> None:
    answers = [await ask(double, people.chi, f"/find {query}", contains="Bấm vào số")
               for query in ("chuyển đổi số", "chuyen doi so", "CHUYEN DOI SO")]
    assert len({tuple(buttons(answer).values()) for answer in answers}) == 1
    found = answers[1]
    assert found["protect_content"]
    # Which hit comes first is the back-end's rank: bm25 puts an item of a task list first,
    # ts_rank the document titled "Đề án chuyển đổi số …".
    icon = {"sqlite": "▫️", "postgresql": "📄"}[BACKEND]
    heading = "<b>Kết quả tìm kiếm “chuyen doi so”</b>"
    assert found["raw_text"].startswith(f"{heading}\n\n1. {icon} <b>")
    assert "<b>chuyển</b> <b>đổi</b> <b>số</b>" in found["raw_text"]
    opened = await press(double, found, people.chi, buttons(found)["1"])
    assert "chuyển đổi số" in opened["text"]


@pytest.mark.usefixtures("app")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nong thon moi", "nông thôn mới"),
        ("dang vien", "đảng viên"),
        ("nghi quyet 39", "Nghị quyết số 39-NQ/TW"),
        ("chuyen doi sô", "chuyển đổi số"),
        ("digital transfromation", "Nothing found for “digital transfromation”; showing "
         "results for “digital transformation”"),
        ("Politburo 39", "Resolution 39-NQ/TW"),
    ],
)
async def test_misspelt_and_unmarked_queries_find_results(double, people, query, expected):
    answer = await ask(double, people.binh, f"/find {query}", contains="Tap a number")
    assert expected in answer["text"]


@pytest.mark.usefixtures("app")
async def test_search_escapes_content_and_says_when_nothing_matches(double, people) -> None:
    quoted = await ask(double, people.binh, "/find Solidarity Democracy Creativity",
                       contains="Tap a number")
    assert "&quot;Solidarity - Democracy - Creativity - Development&quot;" in quoted["raw_text"] \
        or "&quot;<b>Solidarity</b>" in quoted["raw_text"]
    nothing = await ask(double, people.binh, "/find qwxzv")
    assert nothing["text"].startswith("Nothing found for “qwxzv”.\nTry other or fewer words")
    assert not nothing["protect_content"]
    usage = await ask(double, people.chi, "/find")
    assert usage["text"] == "Đồng chí cần tìm gì? Ví dụ: /find chuyen doi so"


# ---- everything, both languages ------------------------------------------------------------
@pytest.mark.usefixtures("app")
@pytest.mark.parametrize("reader", ["binh", "chi"])
async def test_every_entry_is_reachable_by_command_and_by_search(double, people, app, reader):
    user = getattr(people, reader)
    language = "en" if reader == "binh" else "vi"
    tap = "Tap a number" if language == "en" else "Bấm vào số"
    knowledge = app.bot_data["services"].knowledge

    def query(text: str) -> str:  # Vietnamese readers often type without marks
        return fold(text) if language == "vi" else text

    for doc in await knowledge.documents():
        title = doc.title.get(language)
        name = doc.code if doc.coded else doc.aliases[0]  # an id is for files, not people
        await ask(double, user, f"/directive {name}", contains=title)
        found = await ask(double, user, f"/find {doc.code if doc.coded else query(title)}",
                          contains=tap)
        assert f"kb:d:{doc.id}" in buttons(found).values(), doc.code
    for conference in await knowledge.conferences():
        title = conference.title.get(language)
        opened = await ask(double, user, f"/conference {conference.date.isoformat()}",
                           contains=title)
        assert opened["protect_content"]
        found = await ask(double, user, f"/find {query(title)}", contains=tap)
        assert f"kb:c:{conference.id}" in buttons(found).values(), conference.slug
    for item_list in await knowledge.item_lists():
        shown = await ask(double, user, f"/list {item_list.slug}",
                          contains=item_list.title.get(language))
        found = await ask(double, user, f"/find {query(item_list.title.get(language))}",
                          contains=tap)
        assert f"kb:l:{item_list.id}" in buttons(found).values(), item_list.slug
        for position, item in enumerate(item_list.items):
            title = item.title.get(language)
            assert f"{item.number}. {title}" in shown["text"]
            if position % 2 == (language == "vi"):  # each item's page once, half in each language
                await press(double, shown, user, f"kb:i:{item.id}",
                            contains=f"{item.number}. {title}")
            found = await ask(double, user, f"/find {query(title)}", contains=tap)
            assert f"kb:i:{item.id}" in buttons(found).values(), (item_list.slug, item.number)


# ---- protection and /import -----------------------------------------------------------------
async def test_protection_can_be_turned_off(double, people, settings: Settings, clock) -> None:
    unprotected = build_application(settings.model_copy(update={"protect_content": False}), clock)
    async with running(unprotected):
        answer = await ask(double, people.binh, "/sixtasks")
    assert not answer["protect_content"]


@pytest.mark.usefixtures("app")
async def test_an_admin_imports_a_file_as_a_caption_or_by_reply(double, people, app) -> None:
    imported = await double.send_document(people.admin, filename="new.yaml",
                                          content=NEW_LIST.encode(), caption="/import")
    done = await double.wait_for_message(people.admin["id"], timeout=5, after=imported)
    assert done["text"] == "Đã nhập 1 mục từ new.yaml:\n• danh sách “Nhiệm vụ năm 2025” — đã thêm"
    shown = await ask(double, people.chi, "/list nhiem vu 2025")
    assert shown["text"].startswith("Nhiệm vụ năm 2025\n")
    assert shown["text"].endswith(
        "Một số phần chưa được dịch sang tiếng Việt nên được hiển thị bằng tiếng Anh.")
    assert "2. Review the plan" in shown["text"]
    english = await ask(double, people.binh, "/find prepare the congress", contains="Tap")
    assert "Prepare the congress" in english["text"]
    file = await double.send_document(people.admin, filename="again.yaml",
                                      content=NEW_LIST.replace("2025 ", "2026 ").encode())
    replied = await double.send_text(people.admin, "/import", reply_to=file)
    done = await double.wait_for_message(people.admin["id"], timeout=5, after=replied)
    assert done["text"] == (
        "Đã nhập 1 mục từ again.yaml:\n• danh sách “Nhiệm vụ năm 2025” — đã thay thế")
    log = await app.bot_data["services"].db.fetchall(
        "SELECT actor_id, target, details FROM audit_log WHERE action = 'import' ORDER BY id")
    assert [tuple(row) for row in log] == [
        (1001, "list:tasks-2025", "added from new.yaml"),
        (1001, "list:tasks-2025", "replaced from again.yaml"),
    ]


@pytest.mark.usefixtures("app")
async def test_a_bad_import_names_the_line_and_changes_nothing(double, people, app) -> None:
    bad = NEW_LIST.replace("conference: hungyen", "conference: hanoi")
    sent = await double.send_document(people.admin, filename="bad.yaml", content=bad.encode(),
                                      caption="/import")
    refused = await double.wait_for_message(people.admin["id"], timeout=5, after=sent)
    assert refused["text"] == (
        "Chưa nhập được nội dung nào: tệp có lỗi.\nbad.yaml, dòng 5: conference nêu hội nghị "
        "hanoi-2023-01-13-party-building, nhưng hội nghị này không có.")
    assert await app.bot_data["services"].knowledge.find_lists("tasks-2025") == []
    member = await double.send_document(people.binh, filename="new.yaml",
                                        content=NEW_LIST.encode(), caption="/import")
    answer = await double.wait_for_message(people.binh["id"], timeout=5, after=member)
    assert answer["text"].startswith(
        "Sorry, this command is for the organisation's admins and unit admins.")
    nothing = await ask(double, people.admin, "/import")
    assert nothing["text"] == ("Hãy gửi tệp YAML kèm chú thích /import, hoặc trả lời tin nhắn có "
                               "tệp bằng /import.")


@pytest.mark.usefixtures("app")
async def test_help_and_the_menu_list_the_lookups(double, people) -> None:
    member = await open_topic(double, await ask(double, people.binh, "/help"), people.binh,
                              "📚 Directives and lists")
    for name in ("/directives", "/directive", "/sixtasks", "/eighttasks", "/lists", "/list",
                 "/find", "/conference"):
        assert f"\n{name} — " in member["text"]
    assert "/import" not in member["text"]
    admin = await open_topic(double, await ask(double, people.admin, "/help"), people.admin,
                             "📚 Văn bản và danh sách")
    assert "/import — Thêm hoặc thay thế văn bản, danh sách và hội nghị" in admin["text"]
    menu = {c["command"] for c in double.commands[("default", "")]}
    assert {"directive", "find", "sixtasks"} <= menu and "import" not in menu



@pytest.mark.usefixtures("app")
async def test_lookups_answer_in_a_group_and_imports_for_other_bots_are_ignored(double, people):
    six = await ask(double, people.chi, "/sixtasks@committee_test_bot", chat=people.group)
    assert six["text"].startswith("6 nhiệm vụ trọng tâm") and six["protect_content"]
    await double.send_document(people.admin, filename="new.yaml", content=NEW_LIST.encode(),
                               caption="/import@other_bot", chat=people.group)
    await double.idle(quiet=0.2, timeout=3)
    assert [m["message_id"] for m in double.messages(people.group["id"])] == [six["message_id"]]


@pytest.mark.usefixtures("app")
@pytest.mark.parametrize(
    "command",
    ["/find " + "chuyen doi so " * 290, "/find " + "qwxzv " * 680, "/directive " + "x" * 2100,
     "/list " + "y" * 3000, "/conference " + "z" * 3000],
)
async def test_huge_input_gets_an_answer_not_an_error(double, people, command: str) -> None:
    reply = await ask(double, people.binh, command)
    assert len(reply["text"]) <= 4096
    assert "something went wrong" not in reply["text"]
    assert not [e for e in double.errors if e["method"] == "sendMessage"]
