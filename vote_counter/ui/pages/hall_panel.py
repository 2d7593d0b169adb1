"""Máy chủ hội trường (issue 16): this laptop hosts the hall's database, or connects to the laptop that does; and
this station's name. The host is `vote-counter host` run as a child process (QProcess), so the server lives
apart from the window's event loop and stops with the window: asked to stop by a file it watches (every OS),
which the command answers by stopping PostgreSQL cleanly (ui/host_child.py). Every database step goes through
services/hall.py, never storage."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QProcess, QSettings, Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vote_counter.services import hall
from vote_counter.services.errors import ServiceError
from vote_counter.ui import texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.host_child import end_host
from vote_counter.ui.once_shown import show_once
from vote_counter.ui.pages.base import Page
from vote_counter.ui.widgets import StatusLine, allow, button_row

KEY_STATION = "hall/station"
KEY_DATA = "hall/data"
KEY_PORT = "hall/port"
QR_SIZE = 220


def qr_pixmap(payload: str, size: int = QR_SIZE) -> QPixmap:
    """The connection line as a QR code (black on white, quiet zone kept) for the other laptops' scanners."""
    import qrcode  # loaded when a host is shown, not with the window (test_lazy_imports)

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=4)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    image = QImage(n, n, QImage.Format.Format_Mono)
    image.setColorTable([0xFFFFFFFF, 0xFF000000])
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            image.setPixel(x, y, 1 if dark else 0)
    scale = max(1, size // n)
    return QPixmap.fromImage(image.scaled(n * scale, n * scale, Qt.AspectRatioMode.KeepAspectRatio))


def choose_data_folder(parent: QWidget, start: str) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, texts.HALL_PICK_FOLDER, start)
    return Path(folder) if folder else None


class HallPanel(Page):
    stationChanged = Signal()  # the status bar redraws
    reconnectRequested = Signal()  # open the hall's database again (the status bar's HallStatus.reconnect)

    def __init__(self, ctx: AppContext, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.settings = settings if settings is not None else QSettings()
        self.choose_folder = choose_data_folder  # hooks the tests replace
        self.show_secret = show_once
        self.process: QProcess | None = None
        self.stop_file: Path | None = None  # the file that asks the running host to stop (ui/host_child.py)
        self.stopped_by = ""  # how the last host ended when the window stopped it: "file", "terminate", "kill"
        self.url: str | None = None  # the hosted database's URL, once the child printed it
        self._output = ""
        self._errors = ""

        saved = str(self.settings.value(KEY_STATION, "") or "")
        if hall.station() is None and saved:  # --station / KP_STATION win over the saved name
            # A settings file edited by hand: the field shows the name, saving it says what is wrong.
            with contextlib.suppress(ServiceError):
                hall.set_station(saved)

        # ---------------------------------------------------------- station
        station_box = QGroupBox(texts.HALL_STATION_GROUP)
        self.station_edit = QLineEdit(hall.station() or str(self.settings.value(KEY_STATION, "") or ""))
        self.station_edit.setPlaceholderText(texts.HALL_STATION_HINT)
        self.station_edit.setMaxLength(hall.STATION_MAX + 10)  # longer ones get the message, not a silent cut
        self.station_button = QPushButton(texts.HALL_STATION_SAVE)
        self.station_button.clicked.connect(self.save_station)
        self.station_edit.returnPressed.connect(self.save_station)
        station_row = QHBoxLayout(station_box)
        station_row.addWidget(QLabel(texts.HALL_STATION_LABEL))
        station_row.addWidget(self.station_edit, 1)
        station_row.addWidget(self.station_button)

        # ---------------------------------------------------------- host
        host_box = QGroupBox(texts.HALL_HOST_GROUP)
        self.folder_edit = QLineEdit(str(self.settings.value(KEY_DATA, "") or ""))
        self.folder_edit.setPlaceholderText(texts.HALL_FOLDER_HINT)
        self.folder_button = QPushButton(texts.HALL_FOLDER_PICK)
        self.folder_button.clicked.connect(self.pick_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.folder_button)
        self.address_combo = QComboBox()
        self.address_combo.setEditable(True)
        self.address_combo.addItems(hall.local_addresses())
        self.address_combo.setCurrentIndex(0)
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1024, 65535)
        self.port_spin.setValue(int(str(self.settings.value(KEY_PORT, hall.DEFAULT_PORT) or hall.DEFAULT_PORT)))
        address_row = QHBoxLayout()
        address_row.addWidget(self.address_combo, 1)
        address_row.addWidget(QLabel(texts.HALL_PORT_LABEL))
        address_row.addWidget(self.port_spin)
        self.start_button = QPushButton(texts.HALL_START)
        self.start_button.clicked.connect(self.start_host)
        self.stop_button = QPushButton(texts.HALL_STOP)
        self.stop_button.clicked.connect(self.stop_host)
        self.stop_button.setEnabled(False)
        self.use_button = QPushButton(texts.HALL_USE_HOSTED)
        self.use_button.clicked.connect(self.use_hosted)
        self.use_button.setEnabled(False)
        self.line_view = QLineEdit()
        self.line_view.setReadOnly(True)
        self.line_view.setPlaceholderText(texts.HALL_LINE_NONE)
        self.copy_button = QPushButton(texts.ONCE_COPY)
        self.copy_button.clicked.connect(self.copy_line)
        self.copy_button.setEnabled(False)
        line_row = QHBoxLayout()
        line_row.addWidget(self.line_view, 1)
        line_row.addWidget(self.copy_button)
        self.qr = QLabel(texts.HALL_QR_NONE)
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr.setFixedSize(QR_SIZE + 12, QR_SIZE + 12)
        self.qr.setStyleSheet("QLabel { background: white; border: 1px solid #bbb; }")
        host_form = QFormLayout()
        host_form.addRow(texts.HALL_FOLDER_LABEL, folder_row)
        host_form.addRow(texts.HALL_ADDRESS_LABEL, address_row)
        host_form.addRow(button_row(self.start_button, self.stop_button, self.use_button))
        host_form.addRow(texts.HALL_LINE_LABEL, line_row)
        self.host_status = StatusLine()
        host_form.addRow(self.host_status)
        host_grid = QGridLayout(host_box)
        host_grid.addLayout(host_form, 0, 0)
        host_grid.addWidget(self.qr, 0, 1, Qt.AlignmentFlag.AlignTop)
        host_grid.setColumnStretch(0, 1)

        # ---------------------------------------------------------- connect
        connect_box = QGroupBox(texts.HALL_CONNECT_GROUP)
        self.connect_edit = QLineEdit()
        self.connect_edit.setPlaceholderText(texts.HALL_CONNECT_HINT)
        self.connect_edit.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.test_button = QPushButton(texts.HALL_TEST)
        self.test_button.clicked.connect(self.test_connection)
        self.connect_button = QPushButton(texts.HALL_CONNECT)
        self.connect_button.clicked.connect(self.connect_to)
        self.connect_edit.returnPressed.connect(self.connect_to)
        self.reconnect_button = QPushButton(texts.HALL_RECONNECT)
        self.reconnect_button.setToolTip(texts.HALL_RECONNECT_TIP)
        self.reconnect_button.clicked.connect(self.reconnectRequested)
        self.connect_status = StatusLine()
        connect_form = QFormLayout(connect_box)
        connect_form.addRow(texts.HALL_CONNECT_LABEL, self.connect_edit)
        connect_form.addRow(button_row(self.test_button, self.connect_button, self.reconnect_button))
        connect_form.addRow(self.connect_status)

        layout = QVBoxLayout(self)
        layout.addWidget(station_box)
        layout.addWidget(host_box)
        layout.addWidget(connect_box)
        layout.addStretch(1)

    def refresh(self) -> None:
        """Nothing of the round here; the host's state is the child process's own."""
        allow(self.reconnect_button, self.ctx.workspace.shared, texts.HALL_RECONNECT_NO_HALL, texts.HALL_RECONNECT_TIP)

    # ------------------------------------------------------------ station
    def save_station(self) -> None:
        try:
            name = hall.set_station(self.station_edit.text())
        except ServiceError as exc:
            self.host_status.show_error(exc.message)
            return
        self.station_edit.setText(name or "")
        self.settings.setValue(KEY_STATION, name or "")
        self.settings.sync()
        self.host_status.show_ok(texts.HALL_STATION_SAVED.format(name=name) if name else texts.HALL_STATION_CLEARED)
        self.stationChanged.emit()

    # ------------------------------------------------------------ host
    def pick_folder(self) -> None:
        folder = self.choose_folder(self, self.folder_edit.text())
        if folder is not None:
            self.folder_edit.setText(str(folder))

    def start_host(self) -> None:
        text = self.folder_edit.text().strip()
        if not text:
            self.host_status.show_error(texts.HALL_NEED_FOLDER)
            return
        if self.process is not None:
            return
        folder = Path(text)
        listen = self.address_combo.currentText().strip() or "127.0.0.1"
        self.stop_file = hall.new_stop_file()
        program, args = hall.host_command(folder, listen, self.port_spin.value(), stop_file=self.stop_file)
        self.settings.setValue(KEY_DATA, str(folder))
        self.settings.setValue(KEY_PORT, self.port_spin.value())
        self._output = self._errors = ""
        self.url = None
        process = QProcess(self)
        process.setProgram(program)
        process.setArguments(args)
        process.readyReadStandardOutput.connect(self._read_output)
        process.readyReadStandardError.connect(self._read_errors)
        process.finished.connect(self._finished)
        process.errorOccurred.connect(self._process_error)
        self.process = process
        self.host_status.show_info(texts.HALL_STARTING)
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        process.start()

    def _read_output(self) -> None:
        if self.process is None:
            return
        self._output += bytes(self.process.readAllStandardOutput().data()).decode("utf-8", "replace")
        url = hall.kp_db_line(self._output)
        if url is None or self.url is not None:
            return
        self.url = url
        line = hall.LINE_PREFIX + url
        self.line_view.setText(hall.LINE_PREFIX + hall.shown(url))
        self.qr.setPixmap(qr_pixmap(line))
        self.copy_button.setEnabled(True)
        self.use_button.setEnabled(True)
        self.host_status.show_ok(texts.HALL_RUNNING)
        self.show_secret(self, texts.HALL_SECRET_TITLE, texts.HALL_SECRET_INTRO, line, texts.HALL_SECRET_AFTER)

    def _read_errors(self) -> None:
        if self.process is not None:
            self._errors += bytes(self.process.readAllStandardError().data()).decode("utf-8", "replace")

    def _last_error(self) -> str:
        lines = [x.strip() for x in self._errors.splitlines() if x.strip()]
        return lines[-1] if lines else ""

    def _finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        stopping = self.process is None
        self._forget_process()
        if code == 0 or stopping:
            self.host_status.show_info(texts.HALL_STOPPED)
        else:
            self.host_status.show_error(texts.HALL_FAILED.format(detail=self._last_error()))

    def _process_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._forget_process()
            self.host_status.show_error(texts.HALL_FAILED.format(detail=self._last_error() or error.name))

    def _forget_process(self) -> None:
        self.process = None
        if self.stop_file is not None:
            hall.forget_stop_file(self.stop_file)
            self.stop_file = None
        self.url = None
        self.line_view.clear()
        self.qr.clear()
        self.qr.setText(texts.HALL_QR_NONE)
        self.copy_button.setEnabled(False)
        self.use_button.setEnabled(False)
        self.start_button.setEnabled(True)
        self.stop_button.setEnabled(False)

    def stop_host(self) -> None:
        """Stop the child cleanly and wait for it: the stop file first (every OS; no signal reaches a console
        program on Windows), SIGTERM next where there is one, killed only if it hangs (ui/host_child.py)."""
        process, self.process = self.process, None
        if process is None:
            return
        self.host_status.show_info(texts.HALL_STOPPING)
        self.host_status.repaint()  # the wait below holds the event loop: say why first
        self.stopped_by = end_host(process, self.stop_file)
        self._forget_process()
        if self.stopped_by == "kill":
            self.host_status.show_error(texts.HALL_KILLED)
        else:
            self.host_status.show_info(texts.HALL_STOPPED)

    def hosted_folder(self, url: str) -> Path | None:
        """The data folder of the server this window runs, when `url` is its database (a restore of the hall's
        database runs on the host, with the administrator's credentials kept there); None otherwise."""
        if self.process is None or self.url is None or hall.shown(self.url) != hall.shown(url):
            return None
        folder = self.settings.value(KEY_DATA)  # written when this server was started
        return Path(str(folder)) if folder else None

    def copy_line(self) -> None:
        if self.url is not None:
            QGuiApplication.clipboard().setText(hall.LINE_PREFIX + self.url)
            self.host_status.show_ok(texts.ONCE_COPIED)

    def use_hosted(self) -> None:
        if self.url is not None:
            self._switch(self.url, self.host_status)

    # ------------------------------------------------------------ connect
    def test_connection(self) -> None:
        try:
            url = hall.parse_connection(self.connect_edit.text())
            hall.probe_url(url)
        except ServiceError as exc:
            self.connect_status.show_error(exc.message)
            return
        self.connect_status.show_ok(texts.HALL_TEST_OK.format(where=hall.shown(url)))

    def connect_to(self) -> None:
        try:
            url = hall.parse_connection(self.connect_edit.text())
        except ServiceError as exc:
            self.connect_status.show_error(exc.message)
            return
        if self._switch(url, self.connect_status):
            self.connect_edit.clear()

    def _switch(self, url: str, status: StatusLine) -> bool:
        try:
            self.ctx.switch(url, hall.station())
        except ServiceError as exc:
            status.show_error(exc.message)
            return False
        status.show_ok(texts.HALL_SWITCHED.format(where=hall.shown(url)))
        return True
