"""Display helpers: draw what they are given, return the axes, refuse bad input clearly."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import show_images, show_with_histogram  # noqa: E402


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
    assert [l.get_color() for l in lines] == ["red", "green", "blue"]
    red_counts = lines[0].get_ydata()
    assert red_counts[-1] == 100 and red_counts.sum() == 100  # all 100 red values are 255
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
