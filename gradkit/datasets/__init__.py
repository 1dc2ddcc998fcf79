"""MNIST and CIFAR-10 in their official formats: find, download, verify and load them."""

from gradkit.datasets.cifar10 import CIFAR10_CLASSES, load_cifar10
from gradkit.datasets.datadir import resolve_data_dir
from gradkit.datasets.download import DownloadError, RemoteFile, download
from gradkit.datasets.mnist import MNIST_CLASSES, load_mnist
from gradkit.datasets.sample import load_sample

__all__ = ["CIFAR10_CLASSES", "MNIST_CLASSES", "DownloadError", "RemoteFile", "download", "load_cifar10",
           "load_mnist", "load_sample", "resolve_data_dir"]
