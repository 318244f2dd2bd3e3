//! Identifiers: IIN, BIN, RNN. (Being written.)
