"""A QGraphicsView that zooms (Ctrl+wheel, Ctrl +/−, pinch of the toolbar buttons), pans by
dragging, fits the scene (Ctrl+0) and shows it at 1:1 (Ctrl+1), as map and diagram viewers do."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsView

from inspector.domain.private_files import make_private

MIN_ZOOM, MAX_ZOOM = 0.08, 4.0
MAX_PNG_SIDE = 12000  # pixels; a bigger scene is exported at a smaller scale


class ZoomableView(QGraphicsView):
    zoomChanged = Signal(float)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)

    # -- zoom -----------------------------------------------------------------------------
    @property
    def zoom(self) -> float:
        return float(self.transform().m11())

    def set_zoom(self, z: float) -> None:
        z = max(MIN_ZOOM, min(MAX_ZOOM, z))
        if abs(z - self.zoom) < 1e-6:
            return
        f = z / self.zoom
        self.scale(f, f)
        self.zoomChanged.emit(self.zoom)

    def user_moved(self) -> None:
        """The user zoomed or panned (subclasses stop re-placing the view)."""

    def zoom_by(self, factor: float, under_mouse: bool = False) -> None:
        self.user_moved()
        anchor = self.transformationAnchor()
        if not under_mouse:
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.set_zoom(self.zoom * factor)
        self.setTransformationAnchor(anchor)

    def fit(self) -> None:
        """The whole scene in view (never larger than 1:1 … unless the scene is tiny)."""
        self.user_moved()
        self._fit()

    def _fit(self) -> None:
        r = self.scene().sceneRect()
        if r.isEmpty():
            return
        self.fitInView(r, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom > 1.0:
            self.resetTransform()
            self.centerOn(r.center())
        self.zoomChanged.emit(self.zoom)

    def fit_zoom(self) -> float:
        r = self.scene().sceneRect()
        v = self.viewport().rect()
        if r.isEmpty() or v.isEmpty():
            return 1.0
        return min(v.width() / r.width(), v.height() / r.height())

    def one_to_one(self, center: bool = True) -> None:
        self.user_moved()
        c = self.mapToScene(self.viewport().rect().center())
        self.resetTransform()
        if center:
            self.centerOn(c)
        self.zoomChanged.emit(self.zoom)

    def mousePressEvent(self, event: Any) -> None:
        self.user_moved()  # a drag pans
        super().mousePressEvent(event)

    def wheelEvent(self, event: Any) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = event.angleDelta().y() or event.angleDelta().x()
            if delta:
                self.zoom_by(1.0015**delta, under_mouse=True)
            event.accept()
            return
        self.user_moved()
        super().wheelEvent(event)

    def keyPressEvent(self, event: Any) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            key = event.key()
            if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
                self.zoom_by(1.25)
                return
            if key == Qt.Key.Key_Minus:
                self.zoom_by(0.8)
                return
            if key == Qt.Key.Key_0:
                self.fit()
                return
            if key == Qt.Key.Key_1:
                self.one_to_one()
                return
        super().keyPressEvent(event)

    # -- export ---------------------------------------------------------------------------
    def render_png(self, path: str, background: QColor, scale: float = 2.0) -> bool:
        rect = self.scene().sceneRect()
        scale = min(scale, MAX_PNG_SIDE / max(rect.width(), rect.height(), 1.0))
        img = QImage(
            max(1, int(rect.width() * scale)),
            max(1, int(rect.height() * scale)),
            QImage.Format.Format_ARGB32,
        )
        img.fill(background)
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.scene().render(p, QRectF(img.rect()), rect)
        p.end()
        saved = img.save(path)
        make_private(path)
        return saved
