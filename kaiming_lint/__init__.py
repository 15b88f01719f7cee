"""kaiming-lint: keeps Keras layers that feed a ReLU He-initialized.

A libcst-based linter; it never imports TensorFlow or Keras, nor runs the code it reads.
Importing this package is cheap: the command line loads the heavy parts after parsing its
arguments.
"""

__version__ = "0.1.0"
