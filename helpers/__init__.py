"""Small shared helpers for the Images as Data course.

Importing this package prints nothing and changes no settings; heavy libraries (torch,
matplotlib, timm) are imported only inside the functions that need them.
"""

from .data import (
    FashionMNIST,
    load_county_table,
    load_digits,
    load_face_patches,
    load_fashion_mnist,
    load_photo,
)
from .device import choose_device
from .display import OKABE_ITO, show_images, show_with_histogram, sliders
from .exercises import check
from .sources import ResourceNotFoundError, cache_dir
from .validate import check_image, check_image_batch, check_positive_int
from .weights import imagenet_class_names, load_imagenet_cnn

__all__ = [
    "OKABE_ITO",
    "FashionMNIST",
    "ResourceNotFoundError",
    "cache_dir",
    "check",
    "check_image",
    "check_image_batch",
    "check_positive_int",
    "choose_device",
    "imagenet_class_names",
    "load_county_table",
    "load_digits",
    "load_face_patches",
    "load_fashion_mnist",
    "load_imagenet_cnn",
    "load_photo",
    "show_images",
    "show_with_histogram",
    "sliders",
]
