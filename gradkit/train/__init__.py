"""Train the standard MNIST and CIFAR-10 networks with any implementation's layers."""
