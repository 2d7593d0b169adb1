"""The English table: the same names as texts.py (the Vietnamese source), chosen in Cài đặt → Ngôn ngữ.

ui/language.py rebinds texts.* to these values at start-up. Keep the names and the {placeholders} in step with
texts.py (tests/gui/test_texts.py checks both). Vietnamese legal terms keep their Vietnamese name in brackets
where a board would look for it on paper.
"""

from __future__ import annotations

from collections.abc import Mapping

from vote_counter.domain.model import (
    BoardRole,
    HeaderStyle,
    InvalidPolicy,
    LevelPreset,
    Mode,
    PercentBase,
    Reason,
    RoundKind,
    Secrecy,
    Stage,
)
from vote_counter.domain.rules import Approval, Band, ProblemCode, Selection

APP_TITLE = "Kiểm Phiếu"

# ---------------------------------------------------------------- standard buttons
OK = "OK"
CANCEL = "Cancel"
YES = "Yes"
NO = "No"
CLOSE = "Close"
SAVE = "Save"

# ---------------------------------------------------------------- workflow (SPEC §1, §6)
PAGE_SETUP = "1. Set-up"
PAGE_BALLOTS = "2. Ballots"
PAGE_ENTRY = "3. Counting"
PAGE_RESULTS = "4. Results"
PAGE_MINUTES = "5. Minutes and export"

MEETING = "Meeting:"
ROUND = "Round:"
NO_MEETING = "(no meeting yet — create one on the Set-up page)"
NO_ROUND = "(no round yet)"
STAGE_NOW = "Stage: {stage}"
STAGE_TEST_SUFFIX = " — TEST"
STAGE_NEXT = "Move to “{stage}” →"
STAGE_BACK = "← Back"
STAGE_BACK_TIP = "Go back to the “{stage}” stage: a reason is required and the action is logged."
STAGE_LAST = "The round is sealed: view only."
STAGE_FIRST = "This is the first stage."
STAGE_NONE = "No round selected."
STAGE_CONFIRM_TITLE = "Change stage"
STAGE_CONFIRM = "Move the round “{round}” to the “{stage}” stage?"
STAGE_CONFIRM_SEAL = "Seal the round “{round}”? Once sealed, its results can be viewed but never changed."
STAGE_BACK_TITLE = "Go back to the previous stage"
STAGE_BACK_PROMPT = "Reason for going back to the “{stage}” stage (required, written to the log):"
STAGE_CHANGED = "Moved to the “{stage}” stage."

STAGE: Mapping[Stage, str] = {
    Stage.PREPARATION: "Set-up",
    Stage.COUNTING: "Counting",
    Stage.CLOSED: "Closed",
    Stage.SEALED: "Sealed",
}

# Why a control is disabled (tooltips).
WHY_NO_ROUND = "Select or create a round first."
WHY_NO_MEETING = "Create or select a meeting first."
WHY_NOT_PREPARATION = "Editable only in the “Set-up” stage; this round is in the “{stage}” stage."
WHY_NOT_COUNTING = "Ballots are entered only in the “Counting” stage; this round is in the “{stage}” stage."
WHY_NOT_PRINTING = "Ballots are printed or exchanged only in “Set-up” or “Counting”; the round is in “{stage}”."
WHY_SEALED = "The round is sealed: it can be viewed but not changed."
WHY_NOT_ANNOUNCED = "This round's results are not announced at the meeting: they cannot be projected."
WHY_NO_PASS2 = "This round is not entered twice."
WHY_MINUTES = "Available once the minutes and export module is finished."

# ---------------------------------------------------------------- set-up page
TAB_MEETING = "Meeting"
TAB_ROUNDS = "Rounds"
TAB_NOMINEES = "People on the ballot"
TAB_BOARD = "Counting board"
TAB_COUNTS = "Counts"

F_MEETING_TITLE = "Meeting title"
F_ORGANISATION = "Organisation"
F_PARENT = "Parent body"
F_PLACE = "Place"
F_DATE = "Date"
F_HEADER = "Document header style"
F_SECRECY = "Secrecy"
F_DOC_CODE = "Document code"
NEW_MEETING = "Create a new meeting"
SAVE_MEETING = "Save meeting details"
MEETING_CREATED = "Created the meeting “{title}”."
MEETING_SAVED = "Meeting details saved."

HEADER_STYLE: Mapping[HeaderStyle, str] = {
    HeaderStyle.STATE: "State agency (Decree 30/2020)",
    HeaderStyle.PARTY: "Party body (Guidance 36-HD/VPTW)",
}
SECRECY: Mapping[Secrecy, str] = {
    Secrecy.NONE: "No secrecy stamp",
    Secrecy.MAT: "CONFIDENTIAL",
    Secrecy.TOI_MAT: "SECRET",
    Secrecy.TUYET_MAT: "TOP SECRET",
}

F_ROUND_TITLE = "Round title"
F_KIND = "Kind"
F_POSITION = "Position"
F_LEVELS = "Confidence levels"
F_BASE = "Percentages of"
F_POLICY = "Wrongly marked ballot"
F_SEATS = "People to choose"
F_WRITE_INS = "Allow written-in names"
F_ANNOUNCED = "Announce results at the meeting (projector)"
F_DOUBLE = "Enter every ballot twice (two people, independently)"
F_MODE = "Mode"
F_BLANK_DISAGREE = "A blank ballot counts as disagree"
NEW_ROUND = "Add a round"
SAVE_ROUND = "Save round"
ROUND_CREATED = "Added the round “{title}”."
ROUND_SAVED = "Round saved."
DEFAULT_ROUND_TITLE = "New round"

KIND: Mapping[RoundKind, str] = {
    RoundKind.CONFIDENCE: "Confidence vote",
    RoundKind.APPROVAL: "Approval vote (agree / disagree)",
    RoundKind.NOMINATION: "Personnel nomination",
}
LEVEL_PRESET: Mapping[LevelPreset, str] = {
    LevelPreset.QD96: "Regulation 96-QD/TW: high / confidence / low",
    LevelPreset.LEGACY: "Former scale: good and fair / average / low",
}
BASE: Mapping[PercentBase, str] = {
    PercentBase.COLLECTED: "Ballots collected",
    PercentBase.SUMMONED: "People summoned",
    PercentBase.PRESENT: "People present",
    PercentBase.ISSUED: "Ballots issued",
    PercentBase.VALID: "Valid ballots",
}
BASE_HEADING: Mapping[PercentBase, str] = {
    PercentBase.COLLECTED: "Percentage of ballots collected",
    PercentBase.SUMMONED: "Percentage of people summoned",
    PercentBase.PRESENT: "Percentage of people present",
    PercentBase.ISSUED: "Percentage of ballots issued",
    PercentBase.VALID: "Percentage of valid ballots",
}
POLICY: Mapping[InvalidPolicy, str] = {
    InvalidPolicy.WHOLE_BALLOT: "The whole ballot is invalid",
    InvalidPolicy.PER_ROW: "Only that row is not counted",
}
DEFAULT_CHOICE = "Default for the kind"
MODE: Mapping[Mode, str] = {Mode.LIVE: "Live", Mode.TEST: "Test"}

NOMINEE_HEADERS = ("No.", "Full name", "Year of birth", "Current position", "Proposed position", "Unit")
F_FULL_NAME = "Full name"
F_BIRTH_YEAR = "Year of birth"
F_CURRENT_POSITION = "Current position"
F_PROPOSED_POSITION = "Proposed position"
F_UNIT = "Unit"
ADD_NOMINEE = "Add a person"
SAVE_NOMINEE = "Save changes"
REMOVE_NOMINEE = "Remove"
MOVE_UP = "Up"
MOVE_DOWN = "Down"
SORT_BY_NAME = "Sort by name (A → Y)"
SORT_TIP = "Sort by given name (the last word of the full name), then family and middle names, in Vietnamese order."
REMOVE_NOMINEE_CONFIRM = "Remove “{name}” from the list?"
NO_BIRTH_YEAR = "—"

BOARD_HEADERS = ("Full name", "Role", "Passphrase")
ROLE: Mapping[BoardRole, str] = {BoardRole.CHAIR: "Chair", BoardRole.MEMBER: "Member"}
F_ROLE = "Role"
ADD_MEMBER = "Add a member"
REMOVE_MEMBER = "Remove member"

F_SUMMONED = "People summoned (S)"
F_PRESENT = "People present (P)"
F_ISSUED = "Ballots issued (I)"
F_COLLECTED = "Ballots collected, counted by the board (C)"
F_COLLECTED_KNOWN = "Ballots collected have been counted"
SAVE_COUNTS = "Save counts"
COUNTS_SAVED = "Counts saved."
QUORUM_OK = "Enough people present (at least 2/3 of those summoned)."
QUORUM_FAIL = "FEWER THAN 2/3 of those summoned are present: the meeting cannot vote yet."

# ---------------------------------------------------------------- ballots page
REGISTER = "Ballot register"
REG_PRINTED = "Printed"
REG_COUNTED = "Entered (counted)"
REG_SPOILED = "Spoiled, exchanged"
REG_UNUSED = "Unused (returned)"
REG_OUTSTANDING = "Not returned"
PRINT_GROUP = "Print ballots"
F_PRINT_COUNT = "Ballots to print"
F_PAGE_FORMAT = "Paper"
PAGE_FORMAT_LABELS = {"a4_portrait": "A4 portrait", "a4_landscape": "A4 landscape", "a5_portrait": "A5 portrait"}
F_UNUSED_SERIAL = "Ballot serial (12 digits)"
PRINT = "Print ballots to a PDF file…"
PRINT_SAVE_TITLE = "Save the ballots to print"
PDF_FILTER = "PDF files (*.pdf)"
PRINTED = "Created {count} ballots, saved in {path}."
PRINTING = "Creating ballots…"
EXCHANGE_GROUP = "Exchange a spoiled ballot"
F_SPOILED_SERIAL = "Spoiled ballot serial (12 digits)"
EXCHANGE = "Exchange"
EXCHANGED = "Ballot {old} recorded as spoiled; the new ballot is {new}."
UNUSED_GROUP = "Unused ballots"
MARK_UNUSED = "Mark as unused"
MARKED_UNUSED = "Ballot {serial} recorded as unused."
PRINT_HINT = (
    "Ballots are printed in random serial order. A serial is never tied to the voter who receives it. "
    "Print the number of ballots to issue plus a few spares."
)

# ---------------------------------------------------------------- entry page
TAB_PER_BALLOT = "Enter ballots"
TAB_COMPARE = "Compare the two entries"
TAB_FIND = "Find and correct"
TAB_SHEET = "Tally sheets"
SCAN_LABEL = "Scan the QR code or type the serial (12 digits), then press Enter:"
SCAN_PLACEHOLDER = "Scan the QR code on the ballot, or type its number (12 digits) and press Enter"
PASS = "Entry pass:"
PASS_N = "Pass {n}"
ENTERED_OF = "Entered {entered} / {collected} ballots collected"
COLLECTED_UNKNOWN = "not counted yet"
GRID_TITLE = "Ballot {serial}"
GRID_TITLE_CORRECT = "Correct ballot {serial} (pass {pass_no})"
GRID_EMPTY = "Scan a ballot to start."
KEYS_CONFIDENCE = "Keys: 1 / 2 / 3 = confidence level, 0 = blank, Ctrl+digit = add a mark, ↑ ↓ = move"
KEYS_APPROVAL = "Keys: 1 = Agree, 2 = Disagree, 0 = blank, Ctrl+digit = add a mark, ↑ ↓ = move"
KEYS_NOMINATION = "Keys: Space = choose / unchoose, ↑ ↓ = move"
KEYS_COMMON = "Enter = save the ballot, Ctrl+Enter = save a blank ballot, Esc = skip"
F_WRITE_INS_ENTRY = "Written-in names (F9; separate names with ;):"
APPROVAL_LABELS = ("Agree", "Disagree")
NOMINATION_LABEL = "Chosen"
GRID_STT = "No."
GRID_NAME = "Full name"
MARK = "X"
DECLARED_KEYS: Mapping[Reason, str] = {
    Reason.CROSSED_NAME: "F6",
    Reason.EXTRA_CONTENT: "F7",
    Reason.UNREADABLE: "F8",
}
SAVED_VALID = "✔ Ballot {serial} saved — valid."
SAVED_INVALID = "✔ Ballot {serial} saved — INVALID ({reasons})."
SAVED_CORRECTED = "✔ Ballot {serial} corrected."
CANCELLED = "Skipped ballot {serial}; nothing saved."
READY = "Ready. Scan the next ballot."
SUSPICIOUS = (
    "There were extra or unusable keys (perhaps a QR code was scanned before the previous ballot was saved). "
    "Check every row against the paper ballot; press Enter again to save."
)
NOTHING_OPEN = "No ballot is being entered: scan a ballot first."
SET_ASIDE = "Set this ballot aside (invalid)"
SET_ASIDE_DONE = "✔ Ballot set aside and counted as invalid ({reason})."
UNDO = "Undo"
REDO = "Redo"
UNDO_SAVE = "enter ballot {serial}"
UNDO_CORRECT = "correct ballot {serial}"
UNDO_VOID = "void ballot {serial}"
UNDO_REASON = "Undo"
REDO_REASON = "Redo"
CORRECTION_REASON = "Corrected after checking the paper ballot"
UNDONE = "Undone: {what}."
REDONE = "Redone: {what}."
TOTALS_TITLE = "Running totals (selected entry pass)"
TOTALS_NAME = "Full name"
TOTALS_NOT_COUNTED = "Not counted"
TOTALS_VOTES = "Votes"
VALID_INVALID = "Valid: {valid} — Invalid: {invalid}"

DIFF_HEADERS = ("Serial", "Pass 1", "Pass 2", "Rows that differ")
DIFF_MISSING = "(not entered)"
DIFF_NONE = "The two entries agree."
DIFF_COUNT = "{n} ballots were entered differently. Check the paper ballots, then correct the wrong entry."
OPEN_PASS = "Open pass {n} to correct"
DIFF_NOT_ENTERED = "Ballot {serial} was not entered in pass {n}: scan it in pass {n}."
REFRESH = "Refresh"
BLANK_ROW = "blank"

FIND_LABEL = "Serial (12 digits) or scan the code:"
FIND = "Find"
FIND_HEADERS = ("Serial", "Pass", "Status", "Content")
FOUND_NONE = "No entered ballot has this serial."
STATUS_ACTIVE_VALID = "Counted — valid"
STATUS_ACTIVE_INVALID = "Counted — invalid"
STATUS_VOID = "Voided"
STATUS_SET_ASIDE = "Set aside"
CORRECT = "Correct ballot"
VOID = "Void ballot…"
VOID_TITLE = "Void an entered ballot"
VOID_PROMPT = "Reason for voiding ballot {serial} (required, written to the log):"
VOIDED = "Ballot {serial} voided; this serial can be entered again."
ONLY_ACTIVE = "Only a counted ballot can be corrected (not a voided or set-aside one)."
SELECT_BALLOT = "Select a ballot in the list."

SHEET_NO = "Sheet number"
SHEET_VALID = "Valid ballots"
SHEET_INVALID = "Invalid ballots"
SHEET_SAVE = "Save tally sheet"
SHEET_SAVED = "Tally sheet {n} saved."
SHEET_NOT_NUMBER = "Some cells are not whole numbers (in red)."
SHEET_OK = "The figures agree."
SHEET_WRITE_INS = "Written-in names and votes (one per line: Full name = number)"

# ---------------------------------------------------------------- results page
RESULTS_REFRESH = "Refresh results"
RECOUNT_CHECK = "Recount every ballot"
RECOUNT_CHECK_TIP = (
    "Count every entered ballot again and compare with the stored running totals (in the background; entry "
    "goes on). Closing the count does the same check."
)
RECOUNT_RUNNING = "Recounting every ballot…"
RECOUNT_MATCHES = "Recounted {count} ballots: they match the stored running totals."
RECOUNT_DIFFERS = (
    "ALARM: the stored running totals (entry pass {passes}) differ from the recount of every ballot. The data "
    "file may have been changed outside the app; the count cannot be closed. Tell the chair now."
)
RECOUNT_FAILED = "The recount could not run: {detail}"
PROJECT = "Project"
PROJECT_TIP = "Open a large-print results screen for the hall (Esc to close)."
SUMMARY = (
    "Summoned (S): {s}   Present (P): {p}   Absent: {absent}   Issued (I): {i}   "
    "Collected (C): {c}   Valid (V): {v}   Invalid (X): {x}"
)
NO_QUORUM = "WARNING: fewer than 2/3 of those summoned are present ({p}/{s}). The minutes will say so."
INVALID_REASONS = "Reasons for invalid ballots: {reasons}"
PROBLEMS = "The figures do not agree — resolve before closing the count:"
NO_PROBLEMS = "The figures agree."
TIE = "A tie — the head of the body considers and decides."
TEST_WATERMARK = "TEST — NOT VALID"
RESULT_NAME = "Full name"
RESULT_OUTCOME = "Outcome"
RESULT_NOT_COUNTED = "Not counted"
RESULT_VOTES = "Votes"
WRITE_IN_SUFFIX = " (written in)"
PROJECTOR_TITLE = "Counting results"
PROJECTOR_CLOSE_HINT = "Press Esc to close"

BAND: Mapping[Band, str] = {
    Band.OVER_HALF: "Over 50% and under 2/3 low-confidence votes",
    Band.TWO_THIRDS: "2/3 or more low-confidence votes",
}
APPROVAL: Mapping[Approval, str] = {
    Approval.APPROVED: "Over 50% — approved",
    Approval.HALF: "Exactly 50% — the head of the body decides",
    Approval.NOT_APPROVED: "Not approved",
}
SELECTION: Mapping[Selection, str] = {
    Selection.SELECTED: "Over 50%",
    Selection.FORWARD: "Put forward to the next step",
    Selection.TIED: "Tied — the head of the body considers and decides",
}
PROBLEM: Mapping[ProblemCode, str] = {
    ProblemCode.NO_QUORUM: "Fewer than 2/3 of those summoned are present (need {expected}, have {actual}).",
    ProblemCode.COLLECTED_OVER_ISSUED: "Ballots collected ({actual}) exceed ballots issued ({expected}).",
    ProblemCode.ISSUED_OVER_PRESENT: "Ballots issued ({actual}) exceed people present ({expected}).",
    ProblemCode.PRESENT_OVER_SUMMONED: "People present ({actual}) exceed people summoned ({expected}).",
    ProblemCode.ENTERED_NOT_PHYSICAL: "{actual} ballots entered but the board counted {expected} collected.",
    ProblemCode.NOMINEE_OVER_VALID: "Row “{name}”: total {actual} exceeds the valid ballots ({expected}).",
    ProblemCode.VOTES_OVER_SEATS: "Total votes ({actual}) exceed the maximum ({expected}).",
    ProblemCode.BASE_ZERO: "The base for percentages is 0: no counts entered yet.",
    ProblemCode.NEGATIVE: "A figure is negative.",
}

INVALID_REASON: Mapping[Reason, str] = {
    Reason.NOT_ISSUED: "Ballot not issued by the counting board",
    Reason.DUPLICATE: "Duplicate serial",
    Reason.CROSSED_NAME: "Name crossed out",
    Reason.EXTRA_CONTENT: "Extra name or other writing",
    Reason.ROW_MARKS: "Marked against the rules",
    Reason.TOO_MANY: "Too many chosen",
    Reason.UNREADABLE: "Unreadable",
}

SHEET_PROBLEM = {
    "negative": "A figure is negative.",
    "unknown_nominee": "A row is not on the list.",
    "wrong_width": "Wrong number of columns.",
    "row_over_valid": "Row “{name}”: total {actual} exceeds the valid ballots ({expected}).",
    "row_not_valid": "Row “{name}”: total {actual} must equal the valid ballots ({expected}).",
    "votes_over_seats": "Total votes ({actual}) exceed the maximum ({expected}).",
}

# ---------------------------------------------------------------- minutes page
MINUTES_INTRO = "Once the minutes and export module is finished, this page will create:"
MINUTES_ITEMS = (
    "The counting minutes (PDF, A4), three copies numbered 01/03, 02/03, 03/03 in one print;",
    "The minutes as Word (.docx) for the agency to edit and file;",
    "The results table as Excel (.xlsx);",
    "The ballot-entry log (annex, without serials);",
    "The results package on USB: minutes, results, log, and a signed manifest;",
    "The results check code on every page, matching the files on the USB stick.",
)
MINUTES_PRINT = "Print minutes…"
MINUTES_DOCX = "Export minutes as Word…"
MINUTES_XLSX = "Export results as Excel…"
MINUTES_USB = "Write to USB…"

ERROR_TITLE = "Could not be done"
INFO_TITLE = "Information"

# ---------------------------------------------------------------- minutes and export page (SPEC §7)
MINUTES_TITLE = "Minutes and export — {round}"
MINUTES_NO_ROUND_TITLE = "Minutes and export"
WHY_MINUTES_NOT_CLOSED = (
    "Close the count before writing the minutes: this round is in the “{stage}” stage. "
    "When the figures agree, press the stage button in the top bar."
)
CHECK_CODE_TITLE = "Results check code"
CHECK_CODE_HINT = (
    "This code is printed at the foot of every page of the minutes and written in the results file. "
    "Read it aloud and compare with the paper: one different character means different results."
)
CHECK_CODE_NONE = "—"
ROUND_DOCS = "Documents of this round"
MEETING_DOCS = "Documents of the whole meeting"
WRITE_MINUTES = "Write the minutes (PDF, 3 copies + Word)…"
WRITE_MINUTES_TIP = (
    "The counting minutes on A4: one PDF with three copies numbered 01/03, 02/03, 03/03 to print at once, "
    "and a Word file (.docx) to edit. Every print is logged."
)
WRITE_ANNEX = "Ballot-entry log (annex)…"
WRITE_ANNEX_TIP = "The content of every entered ballot, in random order, without serials (PDF)."
WRITE_RESULTS = "Results as Excel + JSON…"
WRITE_RESULTS_TIP = "The results of every round of the meeting: an Excel file (.xlsx) and a JSON file."
WRITE_SUMMARY = "Meeting summary…"
WRITE_SUMMARY_TIP = "A short PDF summing up the results of every round of the meeting."
EXPORT_USB = "Export to USB…"
USB_ENCRYPT = "Encrypt the package (ZIP AES-256; the passphrase is shown once, to write on paper)"
USB_TIP = "Write the minutes, results, log and digital signature to USB, then read them back to check."
USB_TITLE = "Choose the USB stick for the results"
USB_HINT = "Choose a USB drive below. The package is written, read back and checked before it says done."
USB_NONE = "No USB drive is plugged in. Plug one in and open this box again, or choose another folder."
USB_OTHER_FOLDER = "Choose another folder…"
USB_DRIVE_ITEM = "{name} ({root}) — {free} MB free, {fs}"
USB_WRITING = "Writing and checking the results package… do not remove the USB stick."
USB_DONE = "Done — the USB stick can be removed.\nFolder: {folder}\nSigning key fingerprint: {fingerprint}"
USB_DONE_FOLDER = "Written to the folder {folder}\nSigning key fingerprint: {fingerprint}"
USB_PASSPHRASE_TITLE = "Passphrase of the results package"
USB_PASSPHRASE_INTRO = "The results package is encrypted. Passphrase (shown only once, never stored):"
USB_PASSPHRASE_AFTER = "Write it on paper, sign for it and hand it over separately from the USB stick."
ONCE_COPY = "Copy"
ONCE_COPIED = "Copied to the clipboard."
ONCE_DONE = "I have written it down"
NAME_WARNING = "Warning: {detail}"
CHOOSE_FOLDER = "Choose a folder for the files"
REPRINT_TITLE = "Reprint the minutes"
REPRINT_CANCELLED = "The minutes were not reprinted: a reason is required."
REPRINT_PROMPT = "Reprint the minutes — give the reason (required, written to the log):"
WRITING = "Creating files…"
WRITTEN_MINUTES = "Minutes written (check code {code}): {count} files."
WRITTEN_ANNEX = "Ballot-entry log (annex) created."
WRITTEN_RESULTS = "Results exported as Excel and JSON."
WRITTEN_SUMMARY = "Meeting summary created."
WRITE_FAILED = "Could not write to the folder {folder} ({detail}). Choose another folder or check the drive."
PRINT_HELP = (
    "To print the minutes: press “Write the minutes”, choose a folder; the new PDF is selected in the list "
    "on the right. Press “Open in the PDF viewer to print” and print the whole file once (Ctrl+P): all three "
    "copies 01/03, 02/03, 03/03. The chair and members sign all three and compare the check code on every page."
)
FILES_TITLE = "Files created (full paths):"
FILE_ITEM = "{time}   {name}\n          in the folder {folder}"
FILES_EMPTY = "No files created since the app was opened."
OPEN_FILE = "Open file"
OPEN_TO_PRINT = "Open in the PDF viewer to print"
OPEN_TO_PRINT_TIP = "Open the selected PDF in this computer's PDF viewer; print from there (Ctrl+P)."
WHY_SELECT_FILE = "Select a file in the list."
WHY_SELECT_PDF = "Select a PDF file in the list."
OPENED = "Opened {path}."

# ---------------------------------------------------------------- nominee import (SPEC §1)
IMPORT_NOMINEES = "Import from a file (CSV, Excel)…"
IMPORT_NOMINEES_TIP = "Read the list from a .csv or .xlsx file; preview it before adding."
IMPORT_CHOOSE = "Choose the list file"
IMPORT_FILTER = "Lists (*.csv *.xlsx *.txt);;All files (*)"
IMPORT_TITLE = "Import the list from a file"
IMPORT_FILE = "File: {path}"
IMPORT_ENCODING = "Encoding: {encoding}"
IMPORT_COLUMNS = "Columns read: {columns}. Columns with other names (not listed here) are ignored."
IMPORT_COUNT = "{count} people will be added at the end of the list of the round “{round}”. Check the accents first."
IMPORT_WARNINGS = "Notes:"
IMPORT_CONFIRM = "Add to the list"
IMPORT_RETRY_1258 = "Read as Windows-1258"
IMPORTED = "Added {count} people from the file {name}."
ENCODING_NAMES = {
    "utf-8-sig": "UTF-8 (with BOM)",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "cp1258": "Windows-1258",
    "xlsx": "Excel file (.xlsx)",
    "tcvn3": "TCVN3 (ABC)",
    "vni": "VNI-Windows",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "xlsx/tcvn3": "Excel, TCVN3 text",
    "xlsx/vni": "Excel, VNI text",
}

# ---------------------------------------------------------------- accounts, sign-in, screen lock (SPEC §9)
SIGN_IN_TITLE = "Counting board sign-in"
SIGN_IN_PROMPT = "Choose your name on the counting board of the meeting “{meeting}” and enter your passphrase."
SIGN_IN_CHAIR_PROMPT = "This action needs the chair: the chair enters their passphrase."
SIGN_IN_BUTTON = "Sign in"
SIGN_IN_SKIP = "View only"
F_MEMBER = "Member:"
F_PASSPHRASE = "Passphrase:"
F_CHAIR = "Chair:"
F_SECOND = "Second member:"
F_NEW_PASSPHRASE = "New passphrase:"
F_REPEAT_PASSPHRASE = "Repeat the new passphrase:"
F_CURRENT_PASSPHRASE = "Current passphrase:"
SIGNED_IN_AS = "Working: {name} ({role})"
SIGNED_IN_NONE = "Not signed in (view only)"
SIGNED_IN_NO_ACCOUNTS = "The meeting has no board passphrases yet"
SIGN_IN_ACTION = "Sign in…"
LOCK_BUTTON = "Lock screen"
LOCK_TIP = "Lock now: the passphrase is needed to go on. The screen locks itself after {minutes} idle minutes."
LOCKED_TITLE = "The screen is locked"
LOCKED_TEXT = "The screen locked after {minutes} idle minutes or because a member locked it. Choose a name and "
LOCKED_TEXT += "enter the passphrase to go on; everything saved is still there."
UNLOCK_BUTTON = "Unlock"
APPROVAL_TITLE = "The chair and a member are needed"
APPROVAL_PROMPT = "“{action}” needs the chair and another member of the counting board: each enters their passphrase."
APPROVAL_REASON = "Reason: {reason}"
APPROVAL_SAME_PERSON = "The two people must be different."
APPROVAL_CANCELLED = "Not done: the chair and a member have not both confirmed."
SET_PASSPHRASE = "Set passphrase…"
SET_PASSPHRASE_TIP = "Set or change the sign-in passphrase of the selected member (at least 8 characters)."
SET_PASSPHRASE_TITLE = "Passphrase of {name}"
SET_PASSPHRASE_PROMPT = "The named person types their own passphrase (at least 8 characters, unseen by others)."
PASSPHRASES_DIFFER = "The two new passphrases differ."
PASSPHRASE_SET = "Passphrase set for {name}."
BOARD_HAS_PASSPHRASE = "Has a passphrase"
BOARD_NO_PASSPHRASE = "No passphrase yet"
WHY_SEALED_MEETING = "The meeting has a sealed round: the meeting details and the board can only be viewed."
ACTION_CLOSE = "Close the count"
ACTION_SEAL = "Seal"
ACTION_BACK = "Go back to the “{stage}” stage"
ACTION_VOID = "Void entered ballot {serial}"
ACTION_REPRINT = "Reprint the minutes"
ACTION_REMOVE_MEMBER = "Remove a member who has a passphrase"
AUDIT_CHECKING = "Checking the audit log… (nothing can be saved until it is done)"
AUDIT_CHECK_FAILED = "The audit log could not be checked: {detail}"
AUDIT_ALARM_TITLE = "WARNING: the data was changed outside the app"
AUDIT_ALARM = (
    "The log check at start-up found: {where}.\n\n"
    "Results must not be exported from this database. It can still be opened for viewing. Tell the chair of the "
    "counting board at once; run “vote-counter verify-audit” to check again."
)
WHY_AUDIT_BROKEN = "The log was changed outside the app: results cannot be exported. Tell the chair."
SELECT_MEMBER = "Select a member in the table first."

# ---------------------------------------------------------------- first run, menus, settings, about
WELCOME_TITLE = "Welcome to Kiểm Phiếu"
WELCOME_INTRO = (
    "Offline vote counting on the counting board's computer. To try it out, open the sample meeting; "
    "to prepare a real meeting, create a new one."
)
WELCOME_DEMO = "Open the sample meeting"
WELCOME_DEMO_TIP = "Creates a sample meeting with three counted rounds, and sample passphrases for its board."
WELCOME_NEW = "Create a new meeting"
WELCOME_NEW_TIP = "Enter the meeting title, organisation and date on the Set-up page."
WELCOME_RECENT = "Recently opened meetings"
WELCOME_RECENT_NONE = "No meeting has been opened on this computer yet."
WELCOME_OPEN = "Open the selected meeting"
WELCOME_CONTINUE = "Go to the workspace"
WELCOME_DATABASE = "Data file: {path}"
WELCOME_VERSION = "Version {version}"
DEMO_BUILDING = "Creating the sample meeting…"
DEMO_READY_TITLE = "The sample meeting is ready"
DEMO_READY = (
    "Created the sample meeting “{title}” with three counted rounds.\n\n"
    "Sample passphrases of the counting board (for the sample meeting only; note them to sign in):"
)
DEMO_READY_AFTER = "The chair and one member are signed in."
DEMO_PASSPHRASE_LINE = "• {name} ({role}): {passphrase}"

MENU_MEETING = "&Meeting"
MENU_WELCOME = "Start page"
MENU_RECENT = "Recent meetings"
MENU_RECENT_NONE = "(none)"
MENU_SETTINGS = "Settings…"
MENU_QUIT = "Quit"
MENU_HELP = "&Help"
MENU_ABOUT = "About Kiểm Phiếu"

SETTINGS_TITLE = "Settings"
F_DATABASE = "Database file"
DATABASE_HINT = "Every saved ballot is in this file; the automatic backups are in the backups folder beside it."
OPEN_FOLDER = "Open its folder"
F_IDLE_MINUTES = "Lock the screen after"
IDLE_SUFFIX = " idle minutes"
F_LANGUAGE = "Language"
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
LANGUAGE_RESTART = "A new language applies when the app is opened again. Ballots and minutes are always in Vietnamese."
LANGUAGE_CHANGED = "Saved. Close and reopen the app to use the new language."

ABOUT_TITLE = "About Kiểm Phiếu"
ABOUT_TEXT = (
    "Kiểm Phiếu — version {version}\n"
    "Offline vote counting for a counting board.\n\n"
    "Data file: {path}\n"
    "Liberation Serif font (SIL OFL 1.1 licence). The software is under the MIT licence."
)

SELF_CHECK_FONT = "The font “{family}” is not loaded."
SELF_CHECK_ICON = "The app icon could not be loaded."
SELF_CHECK_DRAW = "The main window could not be drawn."
SELF_CHECK_PAGES = "The main window is missing pages."
SELF_CHECK_MEETING = "The window could not open the sample meeting."

# ---------------------------------------------------------------- document details (issue 13)
TAB_DOCUMENTS = "Document details"
DOC_ISSUER = "Issuing body"
DOC_ISSUER_HINT = "Empty: the meeting's organisation"
DOC_PLACE = "Place (date line)"
DOC_SYMBOL = "Minutes symbol"
DOC_SYMBOL_HINT = "For example: BB-STP; empty: BB- and the meeting's document code"
DOC_NUMBERS = "Number of each round's minutes"
DOC_COL_ROUND = "Round"
DOC_COL_NUMBER = "Number"
DOC_RECIPIENTS = "Recipients"
DOC_RECIPIENTS_HINT = "One recipient per line: name | copies, for example: Archive | 1"
DOC_SIGNERS = "Signers"
DOC_SIGNERS_HINT = "Empty: the counting board signs. One per line: TITLE | Full name"
DOC_SAVE = "Save document details"
DOC_SAVED = "Document details saved."
DOC_MISSING = "The minutes of the selected round still lack: {items}."
DOC_COMPLETE = "The minutes of the selected round have every document detail."
DOC_WHY_NO_MEETING = "Choose or create a meeting first."
DOC_BAD_RECIPIENT = (
    "Recipients, line {line}: the copies must be a whole number (for example: Archive | 1). Nothing saved."
)
DOC_BAD_SIGNER = "Signers, line {line} must read: TITLE | Full name. Nothing saved."
MINUTES_MISSING = (
    "Document details missing: {items}. Fill them in under Preparation → Document details (printing still works)."
)

# ---------------------------------------------------------------- entry that counts only what a person keyed (issue 11)
UNDO_BUTTON = "&Undo (Ctrl+Z)"
REDO_BUTTON = "&Redo (Ctrl+Y)"
UNDO_WITH_MARKS = "{action} (marks: {marks})"
NOTHING_TO_UNDO = "Nothing to undo."
NOTHING_TO_REDO = "Nothing to redo."
HISTORY_WHILE_OPEN = "Ballot {serial} is open and not saved: save it (Enter) or skip it (Esc) before undo or redo."
SCAN_WHILE_OPEN = (
    "Another ballot was scanned while ballot {serial} is open and not saved: the scanned ballot was NOT entered and "
    "the open ballot is unchanged. Press Enter to save or Esc to skip the open ballot, then scan again."
)
BLANK_NEEDS_KEY = (
    "Ballot {serial} has no marks, so it was NOT saved. If the ballot really is blank, press Ctrl+Enter to save a "
    "blank ballot; otherwise key its marks and press Enter."
)
VIEW_ONLY_SCAN = (
    "View only: no board member is signed in, so ballots cannot be entered. Click “Sign in” at the top, then scan "
    "the ballot again."
)
LOCK_SCAN = (
    "The scanner read a ballot while the screen is locked: it was not entered and does not count as a wrong "
    "passphrase. Unlock, then scan again."
)
F_MEMBER_ACCEL = "&Member:"
F_PASSPHRASE_ACCEL = "&Passphrase:"
BLOCKERS_TITLE = "Cannot {action} yet"
BLOCKERS_INTRO = (
    "Cannot {action} yet: the items below must be resolved first. Nobody needs to type a passphrase yet; resolve "
    "them and try again."
)
FIX_COUNTS = "&Enter ballots collected"
FIX_COMPARE = "&See ballots whose two passes differ"
FIX_RESULTS = "See &results"
C_MISSING = "The ballots collected (C) counted by the board are not entered: the entered ballots cannot be checked."
PASSES_DISAGREE = "{n} ballots whose two passes differ."
ACTION_CLOSE_SHORT = "close counting"
ACTION_SEAL_SHORT = "seal"
SCAN_LABEL_SHORT = "Scan &QR / ballot number:"

# ---------------------------------------------------------------- reading scanned ballots (SPEC §11)
PAGE_SCAN = "3b. Read scans"
SCAN_HEADING = "Read scanned ballots"
SCAN_HELP = (
    "Scan the ballots on an office scanner (greyscale, 200 dpi, PDF or images), then choose the files or folder. "
    "Clear ballots are saved as if keyed; ballots with unclear boxes wait for the board and are not counted."
)
SCAN_FILES = "Choose scans…"
SCAN_FOLDER = "Choose folder…"
SCAN_FILES_TITLE = "Choose the scanned images"
SCAN_FILES_FILTER = "Scans (*.pdf *.png *.jpg *.jpeg *.tif *.tiff)"
SCAN_FOLDER_TITLE = "Choose the scanner's folder"
SCAN_PASS = "Pass"
SCAN_RUNNING = "Reading {done}/{total} files…"
SCAN_COUNTS = "Saved {saved} ballots · {queued} sheets to review · {refused} sheets refused"
SCAN_MARGIN = "Box scores in this run: {empty} nearly blank (< 2 % ink), {middle} in between, {marked} clearly marked (≥ 8 % ink)."
SCAN_BAD_LIMITS = "The reading thresholds in the settings (scan/definite, scan/marginal) are invalid: 0 < marginal < definite < 1 is needed. Nothing was read; fix the settings and try again."
SCAN_DONE = "Read {sheets} sheets."
SCAN_COLUMNS = ("File", "Page", "Outcome", "Serial", "Reason")
SCAN_OUTCOME = {"saved": "Saved", "queued": "To review", "refused": "Refused"}
SCAN_NEEDS_COUNTING = "Scans are read only while the round is in the Counting stage."
SCAN_QUEUE_TAB = "Review queue ({count})"
SCAN_READ_TAB = "Read scans"
REVIEW_EMPTY = "No scanned sheet is waiting for review."
REVIEW_REASONS = "Why: {reasons}"
REVIEW_SERIAL = "Serial: {serial}"
REVIEW_NO_SERIAL = "QR unreadable: type the serial printed under it"
REVIEW_BOX = "Box {n}/{total}: {row}, column “{option}”"
REVIEW_ROW = "row {stt}"
REVIEW_WRITE_IN = "write-in line {n}"
REVIEW_KEYS = "Key 1: marked · Key 0: empty · ←/→: previous/next box · Enter: save the ballot"
REVIEW_MARKED = "Marked"
REVIEW_EMPTY_BOX = "Empty"
REVIEW_UNDECIDED = "Not decided"
REVIEW_SAVE = "Save ballot (Enter)"
REVIEW_DISMISS = "Remove from the queue…"
REVIEW_DISMISS_PROMPT = "Why remove this scanned sheet (e.g. keyed by hand):"
REVIEW_SAVED = "Saved ballot {serial}."
REVIEW_LEFT = "{count} boxes still to decide."

PAPER_MIRROR = "Row {row}/{rows} — page {page}/{pages} of the paper ballot"

# Qt's own words (ui/qt_texts.py): the English screen keeps Qt's own.
_QT_EDIT = {
    "&Undo": "&Undo",
    "&Redo": "&Redo",
    "Cu&t": "Cu&t",
    "&Copy": "&Copy",
    "&Paste": "&Paste",
    "Delete": "Delete",
    "Select All": "Select All",
    "Copy &Link Location": "Copy &Link Location",
}
QT_WORDS = {
    "QLineEdit": _QT_EDIT,
    "QWidgetTextControl": _QT_EDIT,
    "QAbstractSpinBox": {"&Select All": "&Select All", "&Step up": "&Step up", "Step &down": "Step &down"},
}

# ---------------------------------------------------------------- long jobs (ui/jobs.py, issue 17)
JOB_TITLE = "Working"
JOB_RUNNING = "{name}…"
JOB_WAIT = "Please wait: do not switch off, do not remove the USB stick. This box closes by itself when done."
JOB_PROGRESS = "{done} / {total}"
JOB_BUSY = "Still busy ({name}): “{other}” cannot start yet. Try again once it is done."
JOB_FAILED = "Could not be done: {detail}"
JOB_FAILED_OS = "Could not write or read a file: {detail}. Nothing was left half-written."
JOB_CLOSE_REFUSED = "A job is still running. Wait until it is done before closing the window."
JOB_DEMO = "Building the sample meeting"
JOB_SAMPLE = "Printing the SAMPLE ballot"
JOB_BACKUP = "Backing up the database"
JOB_RESTORE_CHECK = "Checking the backup"
JOB_RESTORE = "Restoring from the backup"
JOB_MERGE = "Importing ballots from another counting station"
JOB_MERGE_EXPORT = "Writing the entries package"
JOB_TEST_DECK = "Making the test deck"
JOB_TEST_ENTER = "Entering the test deck"
JOB_TEST_REPORT = "Making the test report"
JOB_VERIFY = "Checking the results package"
JOB_PRINT_BALLOTS = "Printing ballots"
JOB_EXPORT = "Writing and checking the results package"
JOB_MINUTES = "Writing the minutes"

# ---------------------------------------------------------------- Tools (ui/pages/tools_page.py)
PAGE_TOOLS = "Tools"
MENU_TOOLS = "&Tools"
TOOLS_SAMPLE = "Sample ballot"
TOOLS_BACKUP = "Backup and restore"
TOOLS_MERGE = "Second station"
TOOLS_TEST = "Test → live"
TOOLS_VERIFY = "Check a results package"
MENU_TOOLS_ITEMS = (
    "Print a SAMPLE ballot…",
    "Backup and restore…",
    "Merge a second station's ballots…",
    "Test → live…",
    "Check a results package…",
)
JSON_FILTER = "JSON files (*.json)"
JSONL_FILTER = "Ballot JSON files (*.jsonl *.json)"

SAMPLE_GROUP = "SAMPLE ballot for approval before printing"
SAMPLE_HINT = (
    "Print one ballot of the chosen round marked “SAMPLE” (in Vietnamese on the paper), for the counting board to approve "
    "before the real print. A sample has no serial and is not entered in the ballot register."
)
SAMPLE_PRINT = "Print a SAMPLE ballot…"
SAMPLE_DONE = "SAMPLE ballot printed: {path}"
SAMPLE_NO_NOMINEES = "The round has nobody on its list yet."

BACKUP_HEADING = "Database backup"
BACKUP_REASON = "Reason:"
BACKUP_REASON_HINT = "e.g. before entering ballots"
BACKUP_DEFAULT_REASON = "manual"
BACKUP_NOW = "Back up now"
BACKUP_FOLDER = "Backups are kept in {folder} (made automatically at every stage change)."
BACKUP_COLUMNS = ("Time", "Reason", "Size (KB)")
BACKUP_AUTOMATIC = "automatic: round {round} moved to “{stage}”"
BACKUP_REPLACED = "the database before a restore"
BACKUP_DONE = "Backed up: {path}"
BACKUP_FILTER = "Kiểm Phiếu backups (*.sqlite3)"
WHY_PICK_BACKUP = "Choose a backup in the list."
RESTORE_HINT = (
    "Restore: the backup is checked first, then what would be dropped is listed; only when the chair and another "
    "member both type their passphrases is it restored. The database in use is kept in the backup folder."
)
RESTORE_SELECTED = "Restore the chosen backup…"
RESTORE_OTHER = "Restore from another file…"
RESTORE_PICK_TITLE = "Choose the backup to restore"
RESTORE_CHECKING = "Checking the backup {name}…"
RESTORE_PLAN_TITLE = "What restoring would drop"
RESTORE_PLAN_INTRO = (
    "The backup {name} is valid ({entries} log entries). Restoring it DROPS these changes "
    "(in the current database, not in the backup):"
)
RESTORE_NOTHING_DROPPED = "No change since the backup."
RESTORE_PLAN_AFTER = (
    "A copy of the current database is kept in the backup folder. Restoring needs the chair and another member."
)
RESTORE_GO = "Restore…"
RESTORE_CANCELLED = "Not restored: nothing changed."
ACTION_RESTORE = "restore the database from the backup {name}"
RESTORE_DONE_TITLE = "Restored"
RESTORE_DONE = "Restored from {name} ({entries} log entries).\nThe database as it was before is kept at: {kept}"

MERGE_TITLE = "Second station"
MERGE_IMPORT_GROUP = "Take another counting station's ballots into the chosen round"
MERGE_IMPORT_HINT = (
    "Choose the entries package folder the other station wrote (USB). Its signature is checked first; ballots "
    "already entered here are reported as overlaps, never counted twice."
)
MERGE_MODE = "How:"
MERGE_MODE_SECOND = "Second entry of the same ballots (to compare)"
MERGE_MODE_ADDITIONAL = "Other ballots of the same round (added)"
MERGE_IMPORT = "Choose a package and import…"
MERGE_EXPORT_GROUP = "Send this station's entered ballots to the other station"
MERGE_OWN_FINGERPRINT = "This station's key fingerprint (the other station compares it): {fingerprint}"
MERGE_PASS = "Entry pass:"
MERGE_EXPORT = "Write the entries package…"
MERGE_EXPORTED = "Entries package written: {folder}"
MERGE_DONE = "{count} ballots recorded from counting station {fingerprint}."
MERGE_OVERLAPS = "{count} ballots were already entered here, not counted again: {serials}"
MERGE_REJECTED = "Ballot {serial} not counted: {message}"
WHY_NOT_COUNTING_MERGE = (
    "Another station's ballots are taken only while the round is in “Counting”; it is in “{stage}”."
)
TRUST_TITLE = "Unknown signing key"
TRUST_INTRO = "The package is signed with an unknown key, fingerprint:"
TRUST_AFTER = (
    "Take it only when sure it is the other counting station: read the fingerprint on the other station's screen "
    "(Tools → Second station) and type it below to compare, or have the chair and another member confirm it. "
    "The key is remembered, so this is not asked again."
)
TRUST_TYPED = "Fingerprint read on the other station:"
TRUST_TYPED_HINT = "16 hex digits"
TRUST_COMPARE = "Compare and accept"
TRUST_TWO_MEMBERS = "Chair and member confirm…"
TRUST_TYPE_FIRST = "Type the fingerprint read on the other station first."
TRUST_REFUSED = "Package not taken: the key {fingerprint} was not compared. Nothing changed."
TRUST_NEEDS_TWO = "Package not taken: the chair and another member must confirm the key. Nothing changed."
ACTION_TRUST_KEY = "trust the signing key {fingerprint} of the other counting station"

TEST_ABOUT = (
    "Test round: print a test deck with its expected result, enter it into this round, compare the actual result "
    "with the expected one, then make the live round from the test round (counted from zero)."
)
TEST_NOT_TEST = "The chosen round is a live round. The test deck is only for test rounds (Set-up → Round → Mode: Test)."
TEST_STEPS = "Steps"
TEST_STEP_1 = "1. Test deck:"
TEST_STEP_2 = "2. Enter it:"
TEST_STEP_3 = "3. Report:"
TEST_STEP_4 = "4. Live:"
TEST_COUNT = "Test ballots:"
TEST_DECK = "Make the test deck…"
TEST_ENTER = "Enter the test deck (deck.jsonl)…"
TEST_REPORT = "Compare with the expected result (expected.json)…"
TEST_GO_LIVE = "Go live…"
TEST_PICK_DECK = "Choose the test deck (deck.jsonl)"
TEST_PICK_EXPECTED = "Choose the expected result (expected.json)"
TEST_DECK_DONE = (
    "{count} test ballots printed into the register. Expected: {collected} collected, {valid} valid, "
    "{invalid} invalid.\nTest deck: {deck}\nExpected result: {expected}"
)
TEST_ENTERED = "{saved} test ballots saved; {refused} refused."
TEST_ENTER_REFUSED = "line {line}: {message}"
TEST_ENTER_STOPPED = (
    "{error}\nStopped at line {line}: {saved} ballots on the lines before were saved; line {line} and the lines "
    "after it were NOT."
)
TEST_UNREADABLE = "cannot read the file {name}."
TEST_REPORT_EMPTY = "The test report appears here."
TEST_REPORT_OK = "The result matches the expected result. Report: {path}"
TEST_REPORT_BAD = "The result does NOT match the expected result: see the lines above. Report: {path}"
TEST_GO_LIVE_TITLE = "Go live"
TEST_GO_LIVE_CONFIRM = (
    "Make the live round from the test round “{round}”? The new round has the same list and rules, a new code and "
    "key, and no ballots; test ballots are refused in it. The test round is kept as the record."
)
TEST_LIVE_DONE = "Live round “{title}” made (stage Set-up, no ballots yet)."
WHY_NOT_TEST_ROUND = "Only for a test round."
WHY_DECK_STAGE = "A test deck is made only in “Set-up” or “Counting”."
WHY_ENTER_STAGE = "Enter the test deck while the round is in “Counting” (the stage button above)."

VERIFY_GROUP = "Check a results package on a USB stick or in a folder"
VERIFY_HINT = (
    "Checks the digital signature, every file, the result check codes and the log chain. Type the fingerprint "
    "printed on the paper minutes to compare the signing key; left empty, only this station's or a paired "
    "station's key is accepted. Changes nothing."
)
VERIFY_F_FINGERPRINT = "Fingerprint on the minutes:"
VERIFY_FINGERPRINT_HINT = "optional"
VERIFY_F_PASSPHRASE = "Encrypted package passphrase:"
VERIFY_PASSPHRASE_HINT = "optional (to check inside KetQua.zip too)"
VERIFY_F_USB = "USB:"
VERIFY_USB = "Check this USB stick"
VERIFY_NO_USB = "(no USB stick plugged in)"
VERIFY_F_FOLDER = "Or:"
VERIFY_FOLDER = "Choose the package folder…"
VERIFY_PICK_TITLE = "Choose the results package folder (KetQua_…) or a USB drive"
VERIFY_EMPTY = "The answer appears here."
VERIFY_NOTHING = "No results package (a folder with manifest.json) found in {folder}."
VERIFY_FOR = "Package {folder}:"
VERIFY_WORDS_OK = (
    "✔ Whole: no file changed, missing or added; the signature is right, made by a known key ({fingerprint})."
)
VERIFY_WORDS_UNKNOWN = (
    "⚠ The package matches itself, but the signing key {fingerprint} has NOT been compared: anyone can make a "
    "package that matches itself. Compare this fingerprint with the one printed on the paper minutes, type it "
    "above and check again."
)
VERIFY_WORDS_BAD = "✘ NOT whole — the package was changed or is incomplete:"
VERIFY_CODE = "  Round {round}: result check code {code} (compare with the code printed on the paper minutes)"
VERIFY_ENCRYPTED_UNCHECKED = "  The encrypted content was not checked: type the package passphrase to check inside too."
VERIFY_ALL_OK = "{count} packages checked: all whole."
VERIFY_SOME_BAD = "A package is NOT whole: do not use it. See the details above."
VERIFY_SOME_UNKNOWN = "The package matches itself but its signing key was not compared: see the details above."
