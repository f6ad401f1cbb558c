"""Display helpers: draw what they are given, return the axes, refuse bad input clearly."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import (  # noqa: E402
    display,  # noqa: E402
    show_images,
    show_with_histogram,
    sliders,
)


def teardown_function():
    plt.close("all")


def test_show_images_grid_and_titles():
    imgs = [np.full((5, 6), i * 40, np.uint8) for i in range(5)]
    axes = show_images(imgs, titles=[f"t{i}" for i in range(5)], ncols=3)
    assert len(axes) == 6  # 2 rows x 3 columns, last one blank
    assert [ax.get_title() for ax in axes[:5]] == [f"t{i}" for i in range(5)]
    assert len(axes[5].images) == 0 and len(axes[0].images) == 1
    np.testing.assert_array_equal(axes[2].images[0].get_array(), imgs[2])


def test_show_images_into_given_axes():
    _, given = plt.subplots(1, 2)
    axes = show_images([np.zeros((3, 3, 3))] * 2, axes=given)
    assert list(axes) == list(given)


def test_show_images_bad_input():
    with pytest.raises(ValueError, match="no images"):
        show_images([])
    with pytest.raises(ValueError, match="2 titles for 3 images"):
        show_images([np.zeros((2, 2))] * 3, titles=["a", "b"])
    with pytest.raises(ValueError, match=r"images\[1\].*NaN"):
        show_images([np.zeros((2, 2)), np.full((2, 2), np.nan)])


def test_histogram_counts_rgb_and_gray():
    img = np.zeros((10, 10, 3), np.uint8)
    img[..., 0] = 255
    ax_img, ax_hist = show_with_histogram(img)
    lines = ax_hist.get_lines()
    assert [line.get_label() for line in lines] == ["red", "green", "blue"]
    # Okabe-Ito, not pure red/green
    assert [line.get_color() for line in lines] == [
        "#D55E00",
        "#009E73",
        "#0072B2",
    ]
    # told apart without colour too
    assert len({line.get_linestyle() for line in lines}) == 3
    red_counts = lines[0].get_ydata()
    # all 100 red values are 255
    assert red_counts[-1] == 100 and red_counts.sum() == 100
    assert lines[1].get_ydata()[0] == 100
    ramp = np.linspace(0, 1, 100).reshape(10, 10)
    _, ax_hist = show_with_histogram(ramp, bins=10)
    want = np.histogram(ramp, bins=10, range=(0, 1))[0]
    np.testing.assert_array_equal(ax_hist.get_lines()[0].get_ydata(), want)
    assert want.sum() == 100
    assert "0-1" in ax_hist.get_xlabel()


def test_histogram_refuses_rgba():
    with pytest.raises(ValueError, match="RGBA"):
        show_with_histogram(np.zeros((4, 4, 4), np.uint8))


def _shown_range(ax):
    return ax.images[0].get_clim()


def test_show_images_uses_the_data_range_not_each_images_own():
    dark = np.full((4, 4), 20, np.uint8)
    dark[0, 0] = 60
    dim_float = np.linspace(0.1, 0.3, 16).reshape(4, 4)
    axes = show_images([dark, dim_float], ["dark", "dim"])
    assert _shown_range(axes[0]) == (0, 255)  # a dark uint8 image stays dark
    assert _shown_range(axes[1]) == (0, 1)  # a float image is shown on 0..1
    assert axes[0].get_title() == "dark"


def test_show_images_stretch_is_opt_in_and_labelled():
    dark = np.full((4, 4), 20, np.uint8)
    dark[0, 0] = 60
    axes = show_images([dark], ["dark"], stretch=True)
    assert _shown_range(axes[0]) == (20, 60)
    assert axes[0].get_title() == "dark (stretched)"
    rgb = np.zeros((2, 2, 3), np.uint8)
    rgb[0, 0] = (100, 50, 0)
    rgb[1, 1] = (0, 0, 200)
    shown = show_images([rgb], stretch=True)[0].images[0].get_array()
    # one range for all channels: the brightest value (200) -> 1, relative colours kept
    np.testing.assert_allclose(np.asarray(shown)[0, 0], [0.5, 0.25, 0.0])
    np.testing.assert_allclose(np.asarray(shown)[1, 1], [0.0, 0.0, 1.0])
    flat = show_images([np.full((3, 3), 7, np.uint8)], stretch=True)[0]
    # a constant image does not divide by zero
    assert _shown_range(flat)[1] > _shown_range(flat)[0]


def test_show_with_histogram_gray_in_data_range():
    ax_img, _ = show_with_histogram(np.full((5, 5), 30, np.uint8))
    assert ax_img.images[0].get_clim() == (0, 255)


def test_sliders_draw_the_default_when_a_tool_runs_the_notebook(monkeypatch):
    monkeypatch.delenv("COURSE_SLIDERS", raising=False)
    calls = []

    def draw(bins=32, angle=0):
        calls.append((bins, angle))
        return "drawn"

    assert display.live_frontend() is False  # pytest is no notebook frontend
    assert sliders(draw, bins=(4, 128, 4), angle=[0, 45, 90]) == "drawn"
    assert calls == [(32, 0)]


def test_sliders_in_a_live_frontend_call_interact(monkeypatch):
    import ipywidgets

    seen = {}
    monkeypatch.setattr(
        ipywidgets, "interact", lambda fn, **kw: seen.update(fn=fn, kw=kw)
    )
    monkeypatch.setenv("COURSE_SLIDERS", "1")

    def draw(bins=32):
        raise AssertionError("the live path leaves drawing to interact")

    assert sliders(draw, bins=(4, 128, 4)) is None
    assert seen == {"fn": draw, "kw": {"bins": (4, 128, 4)}}


def test_float_slider_readout_shows_the_value_the_figure_uses(monkeypatch):
    import ipywidgets

    seen = {}
    monkeypatch.setattr(
        ipywidgets, "interact", lambda fn, **kw: seen.update(kw)
    )
    monkeypatch.setenv("COURSE_SLIDERS", "1")

    def draw(threshold=0.01, bins=32):
        return None

    sliders(draw, threshold=(0.0, 0.05, 0.0005), bins=(4, 128, 4))
    slider = seen["threshold"]
    assert slider.readout_format == ".4f" and slider.step == 0.0005
    assert (slider.min, slider.max, slider.value) == (0.0, 0.05, 0.01)
    slider.value = 0.0105  # what the readout shows is what draw() gets
    assert f"{slider.value:{slider.readout_format}}" == "0.0105"
    assert seen["bins"] == (4, 128, 4)  # integer sliders are left alone
    assert [display._step_decimals(s) for s in (0.1, 0.0005, 2.0)] == [
        1,
        4,
        0,
    ]


def test_live_frontend_reads_the_kernels_stdin_flag(monkeypatch):
    import IPython

    class Kernel:
        _allow_stdin = True

    class Shell:
        kernel = Kernel()

    monkeypatch.delenv("COURSE_SLIDERS", raising=False)
    monkeypatch.setattr(IPython, "get_ipython", lambda: Shell())
    assert display.live_frontend() is True
    Kernel._allow_stdin = False  # what nbclient, papermill and nbval send
    assert display.live_frontend() is False


def test_sliders_bad_input(monkeypatch):
    monkeypatch.delenv("COURSE_SLIDERS", raising=False)

    def draw(bins):
        return bins

    with pytest.raises(ValueError, match="no argument 'angle'"):
        sliders(draw, angle=(0, 90))
    with pytest.raises(
        ValueError, match=r"give draw\(\) a default for 'bins'"
    ):
        sliders(draw, bins=(4, 64))


def test_stored_notebooks_hold_no_widget_state():
    """Notebooks with sliders store a plain figure (run by a tool): no widget views, no saved widget state."""
    import json

    from tools.notebook_tools import course_notebooks

    with_sliders = [
        p
        for p in course_notebooks()
        if "sliders(" in p.read_text(encoding="utf-8")
    ]
    # 02 (bins, threshold), 03 (entropy radius), 04 (scaleFactor, minNeighbors)
    assert len(with_sliders) >= 3
    for path in with_sliders:
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert "widgets" not in nb.get("metadata", {}), (
            f"{path.name}: metadata.widgets is stored"
        )
        for i, cell in enumerate(nb["cells"]):
            for out in cell.get("outputs", []):
                assert (
                    "application/vnd.jupyter.widget-view+json"
                    not in out.get("data", {})
                ), (
                    f"{path.name} cell {i}: a widget view is stored; call helpers.sliders() instead of interact()"
                )
