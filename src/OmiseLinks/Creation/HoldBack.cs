using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Omise.Core;

namespace OmiseLinks.Creation
{
    /// <summary>A checked row on its way to be sent, or a refused row's error, in input order.</summary>
    internal sealed class Held
    {
        public InputRow? Row;
        public ErrorRecord? Error;
        public long? Number;
        public string Label = string.Empty;
        public string Keys = string.Empty;
    }

    /// <summary>A row checked and ready to send: what the run sends, waits for and reports.</summary>
    internal sealed class InputRow
    {
        public InputRow(ParsedRow parsed, RowCreation creation)
        {
            Target = parsed.Target;
            Creation = creation;
            Number = parsed.Number;
            Reference = parsed.Reference;
            Label = parsed.Label;
        }

        public object Target { get; }
        /// <summary>The request, and the row's name for Verbose and the ledger: its label, or the title for a command-line call.</summary>
        public RowCreation Creation { get; }
        public long? Number { get; }
        public string? Reference { get; }
        /// <summary>The row's label in errors (RowLabel); "" for a command-line call without -Reference.</summary>
        public string Label { get; }
    }

    /// <summary>
    /// The rows that wait before they are sent. A file read with the wrong encoding is usually seen on a later row than the
    /// first (ASCII rows come out fine, Thai ones damaged): a row is sent only once <see cref="Rows"/> later rows have been
    /// checked or the input has ended, so a file whose first damaged row is row n has sent at most n - 1 - Rows rows (none
    /// for a file of up to 501 rows). Reading ahead costs no request, only the time to read and check that many rows before
    /// the first is sent (about 0.15-0.3 s once per run here); the rows wait in memory (a CSV row is small). Once a row's
    /// Thai text has been read intact the file's encoding is right, and rows are sent as soon as they are checked.
    /// </summary>
    internal sealed class HoldBack
    {
        public const int Rows = 500;

        private readonly Queue<Held> _held = new Queue<Held>();
        // Set once a row's Thai text was read intact: the file's encoding is right, nothing more is held back.
        private bool _encodingConfirmed;

        /// <summary>Checked rows waiting (refused rows not counted).</summary>
        public int WaitingRows => _held.Count(h => h.Row != null);

        public void Checked(PSObject? row, string text)
        {
            if (row != null && !_encodingConfirmed && ReadsAsThai(text)) _encodingConfirmed = true;
        }

        /// <summary>
        /// A checked row (to send) or a refused one (its error) joins the rows waiting, in input order; returns, lazily, those
        /// to let go now: the oldest once more than Rows wait. A refusal with nothing ahead of it goes at once, and a
        /// command-line call (no row) is never held. What a failed release leaves waiting stays for <see cref="Drain"/>.
        /// </summary>
        public IEnumerable<Held> Admit(Held entry)
        {
            if (entry.Number == null || _encodingConfirmed || (entry.Error != null && _held.Count == 0))
            {
                while (_held.Count > 0) yield return _held.Dequeue();
                yield return entry;
                yield break;
            }
            _held.Enqueue(entry);
            while (_held.Count > Rows) yield return _held.Dequeue();
        }

        /// <summary>Every waiting row, oldest first, each taken off as it is returned.</summary>
        public IEnumerable<Held> Drain()
        {
            while (_held.Count > 0) yield return _held.Dequeue();
        }

        /// <summary>
        /// Text with three Thai letters or more that passed the encoding check: no wrong reading of a Thai file makes that
        /// (code page 874 read as 1252 gives Latin-1 letters; UTF-8 read as 874 gives the 'เธ' pairs the check refuses).
        /// </summary>
        private static bool ReadsAsThai(string text)
        {
            var thai = 0;
            foreach (var c in text)
                if (c >= '\u0E01' && c <= '\u0E5B' && ++thai >= 3) return true;
            return false;
        }
    }
}
