"""Ask before anything is destroyed: a window-modal question whose safe answer is the default.

The box is opened with ``open()`` (not ``exec()``), so the event loop (and the collector on
it) keeps running while the user reads; ``on_confirm`` runs only if the destructive button
was pressed. Escape, Enter and closing the box all mean "keep it".
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def confirm_destructive(
    parent: QWidget,
    title: str,
    text: str,
    action: str,
    on_confirm: Callable[[], None],
    details: str = "",
) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("confirmDestructive")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(text)
    if details:
        box.setInformativeText(details)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    yes.setObjectName("confirmYes")
    keep = box.addButton(QMessageBox.StandardButton.Cancel)
    keep.setObjectName("confirmNo")
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)

    def clicked(button: object) -> None:
        if button is yes:
            on_confirm()

    box.buttonClicked.connect(clicked)
    box.open()
    return box
