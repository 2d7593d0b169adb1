"""pg_restore's own English lines (as the bundled tool prints them) read as Vietnamese sentences; the tool's line
is kept only as the message's detail line. The real tool against the real server: tests/pg/test_pg_restore.py."""

from __future__ import annotations

import pytest

from tests.helpers.builders import assert_vietnamese
from vote_counter.services import pg_restore_tool as tool
from vote_counter.services.errors import ErrorCode, ServiceError

# Lines the bundled pg_restore 16 printed on this machine (`pg_restore --list` on such files, and the server's).
SAID = {
    "pg_restore: error: input file does not appear to be a valid archive": tool.NOT_A_DUMP,
    "pg_restore: error: input file does not appear to be a valid tar archive": tool.NOT_A_DUMP,
    "pg_restore: error: input file is too short (read 0, expected 5)": tool.NOT_A_DUMP,
    "pg_restore: error: input file appears to be a text format dump. Please use psql.": tool.NOT_A_DUMP,
    "pg_restore: error: could not read from input file: end of file": tool.TRUNCATED,
    "pg_restore: error: unsupported version (1.17) in file header": tool.NEWER_FORMAT,
    'pg_restore: error: connection to server at "127.0.0.1", port 5999 failed: Connection refused': tool.NO_SERVER,
    "pg_restore: error: could not execute query: ERROR:  relation already exists": tool.NOT_RESTORED,
    "pg_restore: error: something no release has printed yet": tool.UNREADABLE,
}


@pytest.mark.parametrize(("said", "sentence"), SAID.items())
def test_each_line_of_the_tool_has_its_sentence(said: str, sentence: str) -> None:
    assert tool.meaning("pg_restore: connecting to database for restore\n" + said + "\n") == sentence
    assert_vietnamese(sentence)


def test_the_detail_is_the_tools_last_line_and_follows_the_vietnamese_sentence() -> None:
    said = "pg_restore: connecting to database\n\npg_restore: error: could not read from input file: end of file\n"
    assert tool.last_line(said) == "pg_restore: error: could not read from input file: end of file"
    assert tool.last_line("  \n") == "?"
    error = ServiceError(ErrorCode.BACKUP_INVALID, name="a.pgdump", detail=tool.meaning(said), raw=tool.last_line(said))
    first, detail = error.message.split("\n")
    assert first == (
        "Bản sao lưu “a.pgdump” không dùng được (tệp sao lưu bị cắt ngắn hoặc hỏng, có thể chưa chép hết)."
        " Cơ sở dữ liệu hiện tại không bị thay đổi."
    )
    assert detail == "Chi tiết: pg_restore: error: could not read from input file: end of file"
    assert str(error) == error.message
    # Without a tool's words there is no detail line.
    assert "\n" not in ServiceError(ErrorCode.BACKUP_INVALID, name="a.pgdump", detail="không tìm thấy tệp").message


def test_in_english_the_sentence_and_the_detail_label_are_english(english: None) -> None:
    error = ServiceError(
        ErrorCode.BACKUP_INVALID,
        name="a.pgdump",
        detail=tool.meaning("pg_restore: error: input file does not appear to be a valid archive"),
        raw="pg_restore: error: input file does not appear to be a valid archive",
    )
    first, detail = error.message.split("\n")
    assert "“a.pgdump”" in first and "pg_dump" in first and "tệp" not in first
    assert detail.endswith(": pg_restore: error: input file does not appear to be a valid archive")
    assert not detail.startswith("Chi tiết")
