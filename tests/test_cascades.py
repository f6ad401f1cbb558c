"""helpers.weights, cascades: cache first, then the shipping package; clear errors; OpenCV-readable LBP copy."""

import numpy as np
import pytest

# the cascade loaders live with the other pretrained weights
from helpers import weights as cascades
from helpers.sources import ResourceNotFoundError


def test_every_cascade_loads_and_is_not_empty(tmp_cache, capsys):
    for name in cascades.CASCADES:
        classifier = cascades.load_cascade(name)
        assert not classifier.empty()
    out = capsys.readouterr().out
    assert out.count("loaded from offline source") == len(cascades.CASCADES)


def test_frontal_face_finds_the_astronaut(tmp_cache):
    import cv2

    from helpers import load_photo

    gray = cv2.cvtColor(
        load_photo("astronaut", verbose=False), cv2.COLOR_RGB2GRAY
    )
    faces = cascades.load_cascade(
        "frontalface", verbose=False
    ).detectMultiScale(gray, 1.1, 5)
    assert len(faces) == 1
    x, y, w, h = faces[0]
    # Eileen Collins' face
    assert 150 < x < 200 and 50 < y < 90 and 80 < w < 110


def test_cache_comes_first(tmp_cache, capsys):
    import cv2

    own = tmp_cache / "cascades" / "haarcascade_eye.xml"
    own.parent.mkdir(parents=True)
    own.write_bytes(
        (cascades._opencv_file("haarcascade_eye.xml")).read_bytes()
    )
    assert cascades.cascade_path("eye") == own
    assert "loaded from cache source" in capsys.readouterr().out
    assert not cv2.CascadeClassifier(str(own)).empty()


def test_lbp_copy_is_repaired_for_opencv_and_still_read_by_skimage(
    tmp_cache, capsys
):
    import cv2
    import skimage.data
    from skimage.feature import Cascade

    original = skimage.data.lbp_frontal_face_cascade_filename()
    # the misspelt tag: OpenCV rejects scikit-image's file
    assert cv2.CascadeClassifier(original).empty()
    path = cascades.cascade_path("lbp_frontalface")
    assert (
        path.parent == tmp_cache / "cascades"
        and "featuhreParams" not in path.read_text()
    )
    assert "repaired" in capsys.readouterr().out
    assert not cv2.CascadeClassifier(str(path)).empty()
    img = np.asarray(skimage.data.astronaut())
    assert (
        len(
            Cascade(str(path)).detect_multi_scale(
                img, 1.2, 1, (60, 60), (123, 123)
            )
        )
        == 1
    )
    # second time: from the cache
    assert cascades.cascade_path("lbp_frontalface") == path
    assert "loaded from cache source" in capsys.readouterr().out


def test_unknown_name_lists_the_choices():
    with pytest.raises(
        ValueError,
        match=r"unknown cascade 'face'; choose one of: frontalface, .*lbp_frontalface",
    ):
        cascades.cascade_path("face")
    with pytest.raises(ValueError, match="unknown cascade 3"):
        cascades.load_cascade(3)


def test_missing_opencv_files_name_the_fix(tmp_cache, monkeypatch):
    import cv2

    monkeypatch.setattr(cv2.data, "haarcascades", str(tmp_cache / "nowhere"))
    with pytest.raises(ResourceNotFoundError) as err:
        cascades.cascade_path("frontalcatface")
    message = str(err.value)
    assert isinstance(err.value, FileNotFoundError)
    assert (
        "ships no cascade files" in message
        and "opencv-python-headless<5" in message
    )
    # the cache, the other way out
    assert "cascades/haarcascade_frontalcatface.xml" in message


def test_unreadable_file_is_a_clear_error(tmp_cache):
    bad = tmp_cache / "cascades" / "haarcascade_frontalface_default.xml"
    bad.parent.mkdir(parents=True)
    bad.write_text("<opencv_storage></opencv_storage>")
    with pytest.raises(
        ValueError, match="OpenCV could not read the cascade file .*delete it"
    ):
        cascades.load_cascade("frontalface", verbose=False)


def test_import_prints_nothing_and_does_not_import_cv2():
    import subprocess
    import sys

    code = "import sys, helpers.weights; print('cv2' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == "False\n" and out.stderr == ""
