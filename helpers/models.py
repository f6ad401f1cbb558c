"""The course's small CNN (notebooks 07, 09 and 11), as a plain torch module.

This module imports torch when it is imported; `import helpers` and `helpers.training` do not
import it, so the course's light imports stay light.
"""

from __future__ import annotations

from torch import nn

ACTIVATIONS = {
    "relu": nn.ReLU,
    "gelu": nn.GELU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
}


class SmallCNN(nn.Module):
    """The course's small CNN: conv blocks (3x3 conv, BatchNorm, activation, max-pool), linear head.

    Input float (N, in_channels, H, W), H and W >= 8 (28x28 Fashion-MNIST); output logits
    (N, num_classes). The first two blocks halve the image (28 -> 14 -> 7); later blocks keep it.
    """

    def __init__(
        self,
        num_classes: int = 10,
        channels=(16, 32, 64),
        dropout: float = 0.0,
        activation: str = "relu",
        in_channels: int = 1,
        batchnorm: bool = True,
    ):
        super().__init__()
        if not isinstance(num_classes, int) or num_classes < 2:
            raise ValueError(
                f"num_classes={num_classes!r}; a classifier needs an integer >= 2"
            )
        channels = tuple(channels)
        if not channels or not all(
            isinstance(c, int) and c > 0 for c in channels
        ):
            raise ValueError(
                f"channels={channels!r}; give positive integers, one per conv "
                f"block, e.g. (16, 32, 64)"
            )
        if not (isinstance(dropout, (int, float)) and 0 <= dropout < 1):
            raise ValueError(
                f"dropout={dropout!r}; it is a probability in [0, 1), e.g. 0.25"
            )
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"activation={activation!r} is not one of "
                f"{', '.join(ACTIVATIONS)}"
            )
        layers, c_in = [], in_channels
        for i, c in enumerate(channels):
            layers.append(nn.Conv2d(c_in, c, 3, padding=1, bias=not batchnorm))
            if batchnorm:
                layers.append(nn.BatchNorm2d(c))
            layers.append(ACTIVATIONS[activation]())
            if i < 2:  # 28 -> 14 -> 7, then keep 7x7
                layers.append(nn.MaxPool2d(2))
            c_in = c
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(
            nn.AdaptiveMaxPool2d(2),  # any input size -> c x 2 x 2
            nn.Flatten(),
            nn.Dropout(dropout),
            nn.Linear(c_in * 4, num_classes),
        )
        self.num_classes = num_classes

    def forward(self, x):
        return self.head(self.features(x))
