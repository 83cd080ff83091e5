//! End to end through the real hosts: `kubectl kustomize`, `kpt`, and the container image.

mod common;
mod image;
mod init;
mod kpt;
mod kustomize;
