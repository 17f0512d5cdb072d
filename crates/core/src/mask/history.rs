//! Undo/redo with bounded memory.
//!
//! A mask only ever holds 0 and 255, so an edit is fully described by *which* pixels it
//! toggled: undo and redo both flip exactly those pixels back. Each step stores that toggle
//! set for its dirty rectangle, row by row, as run lengths (or as a bit set when a row is
//! noisy), which makes a typical brush stroke cost a few kilobytes even at 4K and bounds the
//! worst case at one bit per pixel of the rectangle.

use std::collections::VecDeque;

use super::Rect;

/// How much undo history a [`MaskBitmap`](super::MaskBitmap) keeps.
///
/// When a new step would exceed either limit, the oldest steps are dropped first. A single
/// step larger than `max_bytes` on its own is not kept at all (it cannot be undone); no step
/// exceeds about `width × height / 8 + height` bytes (260 KB at 1920×1080), and a long brush
/// stroke typically takes about 1 KB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HistoryLimits {
    /// Most bytes all kept steps may hold together, as reported by
    /// [`MaskBitmap::history_bytes`](super::MaskBitmap::history_bytes).
    pub max_bytes: usize,
    /// Most steps kept (undoable plus redoable).
    pub max_steps: usize,
}

impl Default for HistoryLimits {
    /// 16 MiB and 1000 steps: far more than a session of hand edits needs at 4K.
    fn default() -> Self {
        Self {
            max_bytes: 16 << 20,
            max_steps: 1000,
        }
    }
}

/// One undoable edit: the pixels it toggled inside `rect`, encoded by [`encode_toggles`].
#[derive(Debug)]
pub(crate) struct Step {
    pub(crate) rect: Rect,
    toggles: Box<[u8]>,
}

impl Step {
    /// Heap and inline bytes this step holds.
    fn bytes(&self) -> usize {
        self.toggles.len() + std::mem::size_of::<Step>()
    }

    /// Flips every toggled pixel of `pixels` (an image `width` pixels wide): undo and redo.
    pub(crate) fn apply(&self, pixels: &mut [u8], width: usize) {
        let mut reader = VarintReader::new(&self.toggles);
        let row_width = self.rect.width as usize;
        for row in self.rect.y..self.rect.bottom() {
            let start = row as usize * width + self.rect.x as usize;
            let line = &mut pixels[start..start + row_width];
            let header = reader.next();
            if header & 1 == 1 {
                let bits = reader.take(row_width.div_ceil(8));
                for (x, pixel) in line.iter_mut().enumerate() {
                    if bits[x / 8] >> (x % 8) & 1 == 1 {
                        *pixel ^= 0xFF;
                    }
                }
            } else {
                let mut x = 0;
                for _ in 0..header / 2 {
                    x += reader.next();
                    let len = reader.next();
                    line[x..x + len].iter_mut().for_each(|p| *p ^= 0xFF);
                    x += len;
                }
            }
        }
    }
}

/// The list of steps with a cursor: `steps[..cursor]` can be undone, the rest redone.
#[derive(Debug, Default)]
pub(crate) struct History {
    steps: VecDeque<Step>,
    cursor: usize,
    bytes: usize,
    limits: HistoryLimits,
}

impl History {
    /// Records a new edit: drops anything redoable, then old steps beyond the limits.
    pub(crate) fn push(&mut self, step: Step) {
        while self.steps.len() > self.cursor {
            self.drop_newest();
        }
        self.bytes += step.bytes();
        self.steps.push_back(step);
        self.cursor += 1;
        self.enforce_limits();
    }

    /// The step to undo (the cursor moves back), if any.
    pub(crate) fn undo(&mut self) -> Option<&Step> {
        self.cursor = self.cursor.checked_sub(1)?;
        self.steps.get(self.cursor)
    }

    /// The step to redo (the cursor moves forward), if any.
    pub(crate) fn redo(&mut self) -> Option<&Step> {
        let step = self.steps.get(self.cursor)?;
        self.cursor += 1;
        Some(step)
    }

    pub(crate) fn can_undo(&self) -> bool {
        self.cursor > 0
    }

    pub(crate) fn can_redo(&self) -> bool {
        self.cursor < self.steps.len()
    }

    pub(crate) fn undo_steps(&self) -> usize {
        self.cursor
    }

    pub(crate) fn redo_steps(&self) -> usize {
        self.steps.len() - self.cursor
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(crate) fn limits(&self) -> HistoryLimits {
        self.limits
    }

    pub(crate) fn set_limits(&mut self, limits: HistoryLimits) {
        self.limits = limits;
        self.enforce_limits();
    }

    pub(crate) fn clear(&mut self) {
        self.steps.clear();
        self.cursor = 0;
        self.bytes = 0;
    }

    fn drop_newest(&mut self) {
        if let Some(step) = self.steps.pop_back() {
            self.bytes -= step.bytes();
        }
    }

    /// Drops the oldest steps until both limits hold. Redo steps depend on every step before
    /// them, so once no undoable step is left the redoable ones go too.
    fn enforce_limits(&mut self) {
        while self.steps.len() > self.limits.max_steps || self.bytes > self.limits.max_bytes {
            if self.cursor == 0 {
                self.clear();
                return;
            }
            if let Some(step) = self.steps.pop_front() {
                self.bytes -= step.bytes();
                self.cursor -= 1;
            }
        }
    }
}

/// The rows an edit in progress has touched, as they were before it began.
///
/// Rows are copied lazily, the first time the edit paints in them, so a small brush stamp
/// costs a few row copies instead of a copy of the whole image.
#[derive(Debug, Default)]
pub(crate) struct PendingEdit {
    before: Vec<u8>,
    saved: Vec<bool>,
    /// Union of everything painted since the edit began.
    pub(crate) dirty: Rect,
}

impl PendingEdit {
    /// Remembers `row` of `pixels` (rows `width` long) unless it is already remembered.
    pub(crate) fn save_row(&mut self, pixels: &[u8], width: usize, row: usize) {
        if self.saved.is_empty() {
            let rows = pixels.len() / width.max(1);
            self.saved = vec![false; rows];
            self.before = vec![0; pixels.len()];
        }
        if !self.saved[row] {
            let range = row * width..(row + 1) * width;
            self.before[range.clone()].copy_from_slice(&pixels[range]);
            self.saved[row] = true;
        }
    }

    /// Ends the edit: the step that undoes it, or `None` if no pixel actually changed.
    pub(crate) fn finish(&mut self, pixels: &[u8], width: usize) -> Option<Step> {
        let rect = std::mem::take(&mut self.dirty);
        if rect.is_empty() {
            return None;
        }
        let toggles = encode_toggles(&self.before, pixels, width, rect, &self.saved);
        self.saved[rect.y as usize..rect.bottom() as usize].fill(false);
        toggles.map(|toggles| Step { rect, toggles })
    }
}

/// Encodes which pixels differ between `before` and `after` inside `rect`, row by row;
/// `None` if none does. Rows not in `saved` were not touched and count as unchanged.
///
/// Each row starts with a varint header: `2·n` for `n` runs of (gap, length) varint pairs,
/// each gap counted from the end of the previous run, or `1` for a bit set of `⌈w/8⌉` bytes,
/// whichever is smaller.
fn encode_toggles(
    before: &[u8],
    after: &[u8],
    width: usize,
    rect: Rect,
    saved: &[bool],
) -> Option<Box<[u8]>> {
    let mut out = Vec::new();
    let mut runs = Vec::new();
    let mut changed = false;
    let (x0, x1) = (rect.x as usize, rect.right() as usize);
    let rows = rect.y as usize..rect.bottom() as usize;
    for (row, &was_saved) in rows.clone().zip(&saved[rows]) {
        runs.clear();
        if was_saved {
            let line = row * width;
            toggle_runs(
                &before[line + x0..line + x1],
                &after[line + x0..line + x1],
                &mut runs,
            );
        }
        changed |= !runs.is_empty();
        encode_row(&runs, x1 - x0, &mut out);
    }
    changed.then(|| out.into_boxed_slice())
}

/// Appends one row's runs to `out` in the cheaper of the two encodings.
fn encode_row(runs: &[(usize, usize)], row_width: usize, out: &mut Vec<u8>) {
    let mut end = 0;
    let run_bytes: usize = runs
        .iter()
        .map(|&(start, len)| {
            let size = varint_len(start - end) + varint_len(len);
            end = start + len;
            size
        })
        .sum();
    let bitset_bytes = row_width.div_ceil(8);
    if bitset_bytes < run_bytes {
        push_varint(out, 1);
        let mut bits = vec![0u8; bitset_bytes];
        for &(start, len) in runs {
            (start..start + len).for_each(|x| bits[x / 8] |= 1 << (x % 8));
        }
        out.extend_from_slice(&bits);
        return;
    }
    push_varint(out, runs.len() * 2);
    let mut end = 0;
    for &(start, len) in runs {
        push_varint(out, start - end);
        push_varint(out, len);
        end = start + len;
    }
}

/// Fills `runs` with the `(start, length)` runs where `a` and `b` differ.
fn toggle_runs(a: &[u8], b: &[u8], runs: &mut Vec<(usize, usize)>) {
    let mut x = 0;
    while x < a.len() {
        x += matching_prefix(&a[x..], &b[x..], false);
        if x == a.len() {
            break;
        }
        let len = matching_prefix(&a[x..], &b[x..], true);
        runs.push((x, len));
        x += len;
    }
}

/// Length of the prefix where the pixels all differ (`differ`) or all agree (`!differ`).
///
/// Compares eight pixels at a time; valid because pixels are only 0 or 255, so a byte of
/// `a ^ b` is either 0x00 or 0xFF.
fn matching_prefix(a: &[u8], b: &[u8], differ: bool) -> usize {
    let whole_word = if differ { u64::MAX } else { 0 };
    let mut i = 0;
    for (wa, wb) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        let word = |w: &[u8]| u64::from_ne_bytes(w.try_into().unwrap_or([0; 8]));
        if word(wa) ^ word(wb) != whole_word {
            break;
        }
        i += 8;
    }
    while i < a.len() && (a[i] != b[i]) == differ {
        i += 1;
    }
    i
}

fn varint_len(value: usize) -> usize {
    let bits = usize::BITS - value.leading_zeros();
    (bits as usize).div_ceil(7).max(1)
}

fn push_varint(out: &mut Vec<u8>, mut value: usize) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads the varints written by [`push_varint`], in order.
struct VarintReader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> VarintReader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    fn next(&mut self) -> usize {
        let mut value = 0;
        let mut shift = 0;
        while let Some(&byte) = self.bytes.get(self.at) {
            self.at += 1;
            value |= usize::from(byte & 0x7F) << shift;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        value
    }

    fn take(&mut self, len: usize) -> &'a [u8] {
        let slice = &self.bytes[self.at..self.at + len];
        self.at += len;
        slice
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let mut out = Vec::new();
        let values = [0, 1, 127, 128, 300, 16_383, 16_384, 1 << 30];
        values.iter().for_each(|&v| push_varint(&mut out, v));
        let mut reader = VarintReader::new(&out);
        for &v in &values {
            assert_eq!(reader.next(), v);
            assert_eq!(varint_len(v), {
                let mut one = Vec::new();
                push_varint(&mut one, v);
                one.len()
            });
        }
    }

    #[test]
    fn noisy_rows_fall_back_to_a_bit_set() {
        let before = vec![0u8; 64];
        let after: Vec<u8> = (0..64).map(|i| if i % 2 == 0 { 255 } else { 0 }).collect();
        let rect = Rect::new(0, 0, 64, 1);
        let toggles = encode_toggles(&before, &after, 64, rect, &[true]).unwrap();
        assert_eq!(toggles.len(), 1 + 8);
        let step = Step { rect, toggles };
        let mut pixels = after.clone();
        step.apply(&mut pixels, 64);
        assert_eq!(pixels, before);
    }
}
