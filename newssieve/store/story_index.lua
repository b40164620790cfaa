-- newssieve story index: exact hashes, MinHash LSH band tables, clusters and feed
-- representatives, updated in ONE atomic call per article so that concurrent
-- workers can never miss each other's copies.
--
-- Layout (all under the index's prefix; see store/keys.py):
--   lsh:{n}      band table bucket, a hash kept listpack-encoded. Field: a 4-byte key
--                (per LSH band: sha1 of band number and the band's rows, cut to 32 bits;
--                plus one key from the exact text hash); value: the 4-byte numbers of the
--                articles filed under it, 16 per value, continued in fields
--                key..{2-byte chunk number}. A shared key is a candidate, never a match.
--   lsh:meta     the table's linear-hashing state: level, split, fields; and layout ('entries', see
--                load_meta). Bucket of key h:
--                h mod 2^level, or h mod 2^(level+1) below the split pointer. The table
--                grows one bucket at a time, so buckets stay small at any size.
--   rec:{n/32}   article records by number: chunk 0 = shingle count (4 bytes), exact
--                hash (32 hex), article id; chunks 1.. = the compact signature
--                (16-bit order-preserving codes, see story_index.py), 64 bytes per field.
--   xrec:{n/16}  translation records by number, for cross-language copies: field
--                slot * XCHUNKS + c holds 64-byte chunk c of: the article's signature (1-byte
--                length, then its bits: its 16-bit slices are the keys of bands 0..), a 2-byte
--                count k, the k other keys the article is filed under (3 bytes each: band,
--                16-bit value; a key's field in lsh:{n} is the first 4 bytes of
--                sha1('xl' .. band .. value), a key space of its own), then the verification
--                blob (workers.translation; opaque here).
--                16 records a bucket, so a bucket stays listpack-encoded (at most 192 fields
--                of 64 bytes) even when every record is long. Present only when translation
--                matching filed the article.
--   seq          the article number counter.
--   entry:{id}   hash: the article's place in the index: seen_seq (its number), cluster, match,
--                match_kind, jaccard, containment, and the published_ts and feeds it was indexed
--                with. The index reads and writes no article record (article:{id}): every key it
--                touches is one of the above, under the prefix it is given (ARGV[2]; on a Redis
--                Cluster that prefix holds a hash tag, so they all share the slot of KEYS[1], lsh:meta,
--                which the call is sent to).
--   cluster:{c}  zset of members by published time; rep:{c} feed -> representative.
--                A cluster is named after the article that started it. An article that
--                matches members of several clusters merges them into the largest.
--                A story of one article whose cluster is named after it has neither key (an
--                implicit cluster: most stories have one article, and the two keys cost ~290
--                bytes): its article names the cluster, and it represents it in each of its
--                feeds. The keys are written when a second article joins (materialize) and
--                dropped when the founder is left alone again.
--
-- ARGV: [1] mode, [2] prefix, [3] article id, [4] permutations, [5] bands, [6] rows,
--       [7] bucket load (fields per bucket before the table grows), then per mode:
--   index:      [8] compact signature, [9] shingles, [10] exact hash, [11] published ts,
--               [12] jaccard threshold, [13] containment threshold, [14] min shingles
--               for containment, [15] min jaccard for containment, [16] min shingles
--               for near copies, [17] feeds (comma separated), [18] translation table keys
--               to file under (band, value, table key: 7 bytes each), [19] translation probe keys (a 1-byte band
--               number and the 4-byte key each, a band's probes together),
--               [20] translation blob ('' = no translation matching for this article),
--               [21] translation candidates returned at most, [22] the article's signature
--               (bits, '' = none): its 16-bit slices are its bands 0.., so [18] starts with
--               them and the record keeps the signature instead
--               -> {status, cluster, match, jaccard, containment, canonical, merged, match
--                   kind, {candidate id, its cluster, its blob in hex, ...}}: the best translation
--                   candidates found under the probe keys that are not in the article's cluster
--                   (the SHORTLIST sharing the most bands, then the most recent; of those,
--                   the nearest signatures, none further than MAX_DISTANCE)
--               (an unchanged article files nothing new but still reports its candidates, so a
--               worker that died between index and link links them when the page comes back)
--   link:       [8..] ids of verified translations: merge their clusters with the article's
--               (into the largest) -> {cluster, merged, canonical}
--   remove:     -> 1 when the article was indexed
--   forget:     remove (retention) and drop the entry -> 1 when the article had either
--   similarity: [8..] article ids in pairs -> estimated jaccard per pair ('' if unknown)
--   implicit:   [8] 'apply' or 'check': the keys of cluster `id` (the article id), written before a story of
--               one article was left implicit, are dropped if its only member is that article -> 1 if so
--   move:       [8] 'apply' or 'check': the index fields of an older record moved to the entry -> 1 if any

local mode, p, id = ARGV[1], ARGV[2], ARGV[3]
local perm, nbands, rows, load = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local function entry(aid) return p .. 'entry:' .. aid end
local ekey = entry(id)

local CHUNK = 64 -- bytes per hash value: Redis keeps listpack encoding up to 64-byte values
local RECORDS = 32 -- article records per rec bucket
local SIG_CHUNKS = math.ceil(2 * perm / CHUNK)
local XCHUNKS = 12 -- chunks of a translation record at most (story_index.py checks the size)
local XRECORDS = 16 -- translation records per xrec bucket
local MAX_SPLITS = 8 -- per call, so a lowered load setting cannot stall one call
local PROBE_CHUNKS = 8 -- a translation probe reads at most this many chunks (the 128 latest numbers)
local OTHER_PROBE_CHUNKS = 2 -- ... of a key not from the signature (evidence: one figure or name can be
                             -- shared by thousands; the 32 latest keep every pair at 100,000 articles)
local PER_CLUSTER = 2 -- translation candidates from one cluster at most (one verified member links it)
local MAX_SKIPPED = 32 -- ranked translation candidates passed over (own cluster, cluster full) at most
local SHORTLIST = 64 -- translation candidates (most bands, then latest) whose signatures are compared
                     -- (among 100,000 articles every translation's original is among its first 64)
local NO_SIGNATURE = 64 -- their distance when a side has no signature (less the bands they share): about
                        -- where translations end and chance neighbours begin, for 256-bit signatures
local MAX_DISTANCE = 84 / 256 -- candidates whose signature is further (share of its bits) are not returned:
                              -- translations are within 71 of 256 bits, chance neighbours mostly 77 or more

local level, split, fields -- the band table's state, read by load_meta()
local meta_key = p .. 'lsh:meta'

local function int(n) return string.format('%d', n) end
local function pack(n) return struct.pack('>I4', n) end

local function split_csv(csv)
  local out = {}
  for item in string.gmatch(csv or '', '[^,]+') do out[#out + 1] = item end
  return out
end

-- band table ---------------------------------------------------------------

-- An index written before the entries (its articles' numbers and clusters in their records) is refused
-- until `newssieve migrate --apply` has moved them: indexed against it, copies would go unmatched.
local LAYOUT = 'entries'

local function load_meta()
  local m = redis.call('HMGET', meta_key, 'level', 'split', 'fields', 'layout')
  if m[3] and m[4] ~= LAYOUT then
    error({err = 'ERR story index in the older layout (numbers and clusters in the article records): '
      .. 'stop the workers of the older version and run `newssieve migrate --apply`'})
  end
  level, split, fields = tonumber(m[1]) or 0, tonumber(m[2]) or 0, tonumber(m[3]) or 0
end

local function save_meta()
  redis.call('HSET', meta_key, 'level', level, 'split', split, 'fields', fields, 'layout', LAYOUT)
end

local function bucket(h)
  local a = h % 2 ^ level
  if a < split then a = h % 2 ^ (level + 1) end
  return p .. 'lsh:' .. int(a)
end

-- The table keys of an article: its exact hash first, then one per band.
local function table_keys(sig, exact)
  local keys = {tonumber(string.sub(exact, 1, 8), 16)}
  local width = 2 * rows
  for b = 0, nbands - 1 do
    local band = string.sub(sig, b * width + 1, (b + 1) * width)
    keys[#keys + 1] = tonumber(string.sub(redis.sha1hex(string.char(b) .. band), 1, 8), 16)
  end
  return keys
end

local function chunk_name(field, k)
  if k == 0 then return field end
  return field .. struct.pack('>I2', k)
end

-- The values filed under one key; all but the last are full.
local function read_chunks(bkey, field)
  local chunks = {}
  while true do
    local v = redis.call('HGET', bkey, chunk_name(field, #chunks))
    if not v then break end
    chunks[#chunks + 1] = v
    if #v < CHUNK then break end
  end
  return chunks
end

-- 1-based offset of a 4-byte number in a chunk, or nil
local function offset(chunk, packed)
  for i = 1, #chunk, 4 do
    if string.sub(chunk, i, i + 3) == packed then return i end
  end
  return nil
end

local function holds(chunks, packed)
  for _, c in ipairs(chunks) do
    if offset(c, packed) then return true end
  end
  return false
end

-- Append a number after the ones read in `chunks`; counts a new field.
local function append(bkey, field, chunks, packed)
  local last = chunks[#chunks]
  if last and #last < CHUNK then
    redis.call('HSET', bkey, chunk_name(field, #chunks - 1), last .. packed)
  else
    redis.call('HSET', bkey, chunk_name(field, #chunks), packed)
    fields = fields + 1
  end
end

-- Take a number out, filling its hole with the last number so only the last chunk is short.
local function take_out(bkey, field, packed)
  local chunks = read_chunks(bkey, field)
  for k, c in ipairs(chunks) do
    local at = offset(c, packed)
    if at then
      local n = #chunks
      local last = chunks[n]
      if k < n then
        redis.call('HSET', bkey, chunk_name(field, k - 1), string.sub(c, 1, at - 1) .. string.sub(last, -4) .. string.sub(c, at + 4))
        last = string.sub(last, 1, -5)
      else
        last = string.sub(c, 1, at - 1) .. string.sub(c, at + 4)
      end
      if #last == 0 then
        redis.call('HDEL', bkey, chunk_name(field, n - 1))
        fields = fields - 1
      else
        redis.call('HSET', bkey, chunk_name(field, n - 1), last)
      end
      return
    end
  end
end

-- Linear hashing: move the keys of bucket `split` whose next address bit is set.
local function split_bucket()
  local low = split
  local high = split + 2 ^ level
  local src = p .. 'lsh:' .. int(low)
  local flat = redis.call('HGETALL', src)
  local moved, names = {}, {}
  for i = 1, #flat, 2 do
    if struct.unpack('>I4', flat[i]) % 2 ^ (level + 1) ~= low then
      moved[#moved + 1] = flat[i]
      moved[#moved + 1] = flat[i + 1]
      names[#names + 1] = flat[i]
    end
  end
  if #names > 0 then
    redis.call('HSET', p .. 'lsh:' .. int(high), unpack(moved))
    redis.call('HDEL', src, unpack(names))
  end
  split = split + 1
  if split == 2 ^ level then level, split = level + 1, 0 end
end

local function grow()
  local n = 0
  while fields > load * (2 ^ level + split) and n < MAX_SPLITS do
    split_bucket()
    n = n + 1
  end
end

-- records ------------------------------------------------------------------

local function record_slot(num)
  return p .. 'rec:' .. int(math.floor(num / RECORDS)), (num % RECORDS) * (1 + SIG_CHUNKS)
end

local function read_record(num, with_sig)
  local rkey, base = record_slot(num)
  local head = redis.call('HGET', rkey, base)
  if not head then return nil end
  local rec = {shingles = struct.unpack('>I4', head), exact = string.sub(head, 5, 36), id = string.sub(head, 37)}
  if with_sig then
    local names = {}
    for c = 1, SIG_CHUNKS do names[c] = base + c end
    rec.sig = table.concat(redis.call('HMGET', rkey, unpack(names)))
  end
  return rec
end

local function write_record(num, sig, nsh, exact)
  local rkey, base = record_slot(num)
  local args = {base, pack(nsh) .. exact .. id}
  for c = 1, SIG_CHUNKS do
    args[#args + 1] = base + c
    args[#args + 1] = string.sub(sig, (c - 1) * CHUNK + 1, c * CHUNK)
  end
  redis.call('HSET', rkey, unpack(args))
end

local function delete_record(num)
  local rkey, base = record_slot(num)
  local names = {}
  for c = 0, SIG_CHUNKS do names[#names + 1] = base + c end
  redis.call('HDEL', rkey, unpack(names))
end

-- translation records and entries -------------------------------------------

-- Lowercase hex of a string, in one format call. (No table of the 256 byte values: a script's top level
-- runs on every call, and building such tables there cost ~200 us a call, half the index call's time.)
local function hex(s)
  return string.format(string.rep('%02x', #s), string.byte(s, 1, -1))
end

local function xrecord_slot(num)
  local names = {}
  local base = (num % XRECORDS) * XCHUNKS
  for c = 0, XCHUNKS - 1 do names[#names + 1] = base + c end
  return p .. 'xrec:' .. int(math.floor(num / XRECORDS)), names
end

-- The keys a signature files under: its 16-bit slices, band b for slice b (3 bytes each: band, value).
local function signature_keys(sig)
  local out = {}
  for b = 0, #sig / 2 - 1 do out[#out + 1] = string.char(b) .. string.sub(sig, 2 * b + 1, 2 * b + 2) end
  return table.concat(out)
end

-- {sig = signature, keys = every key filed (3 bytes each: band, value), blob = bytes} or nil
local function read_xrecord(num)
  local xkey, names = xrecord_slot(num)
  local parts = {}
  for _, v in ipairs(redis.call('HMGET', xkey, unpack(names))) do
    if not v then break end
    parts[#parts + 1] = v
  end
  if #parts == 0 then return nil end
  local raw = table.concat(parts)
  local s = string.byte(raw, 1)
  local sig, n = string.sub(raw, 2, 1 + s), struct.unpack('>I2', raw, 2 + s)
  local at = 4 + s
  return {sig = sig, keys = signature_keys(sig) .. string.sub(raw, at, at + 3 * n - 1),
          blob = string.sub(raw, at + 3 * n)}
end

-- The signature alone: it sits in the record's first chunk.
local function read_signature(num)
  local head = redis.call('HGET', p .. 'xrec:' .. int(math.floor(num / XRECORDS)), (num % XRECORDS) * XCHUNKS)
  return head and string.sub(head, 2, 1 + string.byte(head, 1))
end

-- Record: 1-byte signature length, signature, 2-byte count, the keys not derived from the signature, blob.
local function write_xrecord(num, sig, keys, blob)
  local xkey, names = xrecord_slot(num)
  local raw = string.char(#sig) .. sig .. struct.pack('>I2', #keys / 3) .. keys .. blob
  local args = {}
  for c = 1, math.ceil(#raw / CHUNK) do
    args[#args + 1] = names[c]
    args[#args + 1] = string.sub(raw, (c - 1) * CHUNK + 1, c * CHUNK)
  end
  redis.call('HSET', xkey, unpack(args))
end

-- File the article under its translation keys (7 bytes each: band, value, table key; its signature's
-- first) and keep its record.
local function file_translation(num, filed, sig, blob)
  local packed, keys = pack(num), {}
  for i = 1, #filed, 7 do
    if string.byte(filed, i) >= #sig / 2 then keys[#keys + 1] = string.sub(filed, i, i + 2) end
    local field = string.sub(filed, i + 3, i + 6)
    local bkey = bucket(struct.unpack('>I4', field))
    local chunks = read_chunks(bkey, field)
    if not holds(chunks, packed) then append(bkey, field, chunks, packed) end
  end
  write_xrecord(num, sig, table.concat(keys), blob)
end

local function remove_translation(num)
  local xr = read_xrecord(num)
  if not xr then return end
  local packed = pack(num)
  for i = 1, #xr.keys, 3 do
    local h = tonumber(string.sub(redis.sha1hex('xl' .. string.sub(xr.keys, i, i + 2)), 1, 8), 16)
    take_out(bucket(h), pack(h), packed)
  end
  local xkey, names = xrecord_slot(num)
  redis.call('HDEL', xkey, unpack(names))
end

-- The numbers filed under one translation key, at most its last `limit` chunks (numbers are appended, so
-- these are mostly the latest; a removal moves the last number into its hole): a key shared by
-- thousands of articles says little about any one of them, and reading it whole would make a probe's
-- cost grow with the index.
local function recent_chunks(bkey, field, limit)
  local chunks = {}
  while #chunks < limit do
    local v = redis.call('HGET', bkey, chunk_name(field, #chunks))
    if not v then return chunks end
    chunks[#chunks + 1] = v
    if #v < CHUNK then return chunks end
  end
  if redis.call('HEXISTS', bkey, chunk_name(field, limit)) == 0 then return chunks end
  local lo, hi = limit, 2 * limit -- chunk lo exists; find the first missing one
  while redis.call('HEXISTS', bkey, chunk_name(field, hi)) == 1 do lo, hi = hi, 2 * hi end
  while hi - lo > 1 do
    local mid = math.floor((lo + hi) / 2)
    if redis.call('HEXISTS', bkey, chunk_name(field, mid)) == 1 then lo = mid else hi = mid end
  end
  local names = {}
  for k = hi - limit, hi - 1 do names[#names + 1] = chunk_name(field, k) end
  return redis.call('HMGET', bkey, unpack(names))
end

-- Per article number found under the probes (5 bytes each: band, 4-byte key; a band's probes are
-- contiguous), the number of distinct bands it was found under. Returns the numbers by that count.
local function probe_translation(num, probes, sig)
  local count, last, by_count, top = {}, {}, {}, 0
  for i = 1, #probes, 5 do
    local band, field = string.byte(probes, i), string.sub(probes, i + 1, i + 4)
    local limit = band < #sig / 2 and PROBE_CHUNKS or OTHER_PROBE_CHUNKS
    for _, c in ipairs(recent_chunks(bucket(struct.unpack('>I4', field)), field, limit)) do
      for at = 1, #c, 4 do
        local other = struct.unpack('>I4', c, at)
        if other ~= num and last[other] ~= band then
          last[other] = band
          count[other] = (count[other] or 0) + 1
        end
      end
    end
  end
  for other, n in pairs(count) do
    local list = by_count[n]
    if not list then list = {}; by_count[n] = list end
    list[#list + 1] = other
    if n > top then top = n end
  end
  return {by_count = by_count, top = top}
end

-- The `need` largest numbers of a list, largest first (one pass; `need` is small).
local function largest(list, need)
  local best = {}
  for _, x in ipairs(list) do
    if #best < need or x > best[#best] then
      local at = #best < need and #best + 1 or #best
      while at > 1 and best[at - 1] < x do
        best[at] = best[at - 1]
        at = at - 1
      end
      best[at] = x
    end
  end
  return best
end

-- The set bits of each byte value: built by the calls that compare signatures, once a call.
local function popcounts()
  local pop = {[0] = 0}
  for i = 1, 255 do pop[i] = pop[bit.rshift(i, 1)] + bit.band(i, 1) end
  return pop
end

-- Bits that differ between a byte table and a string of the same length.
local function hamming(mine, theirs, pop)
  local d, bxor = 0, bit.bxor
  local b = {string.byte(theirs, 1, -1)}
  for i = 1, #mine do d = d + pop[bxor(mine[i], b[i])] end
  return d
end

-- Stage 1: the SHORTLIST numbers found under the most bands, ties to the most recent: {num, bands}.
local function shortlist(found)
  local out = {}
  for n = found.top, 1, -1 do
    local list = found.by_count[n]
    if list then
      for _, other in ipairs(largest(list, SHORTLIST - #out)) do out[#out + 1] = {num = other, bands = n} end
    end
    if #out >= SHORTLIST then break end
  end
  return out
end

-- Stage 2 order: the nearest signature first (Hamming distance); when either side has none,
-- NO_SIGNATURE less the bands shared; ties keep the stage-1 order. One short read per candidate.
local function by_distance(short, sig)
  local mine, pop = {string.byte(sig, 1, -1)}, #sig > 0 and #short > 0 and popcounts()
  for i, c in ipairs(short) do
    local theirs = #sig > 0 and read_signature(c.num)
    if theirs and #theirs == #sig then c.dist = hamming(mine, theirs, pop) else c.dist = NO_SIGNATURE - c.bands end
    c.pos = i
  end
  table.sort(short, function(a, b)
    if a.dist ~= b.dist then return a.dist < b.dist end
    return a.pos < b.pos
  end)
  return short
end

-- Flat {id, cluster, hex blob, ...} of the best candidates outside cluster `cid`, at most `limit` and
-- at most PER_CLUSTER from one cluster, none further than MAX_DISTANCE (when both have signatures: a
-- candidate without one counts NO_SIGNATURE less its bands); reads at most limit + MAX_SKIPPED records.
local function translation_candidates(found, cid, limit, sig)
  local out, per, taken, looked = {}, {}, 0, 0
  local furthest = #sig > 0 and #sig * 8 * MAX_DISTANCE or math.huge
  for _, c in ipairs(by_distance(shortlist(found), sig)) do
    if taken >= limit or looked >= limit + MAX_SKIPPED or c.dist > furthest then break end
    looked = looked + 1
    local rec = read_record(c.num, false)
    local theirs = rec and redis.call('HGET', entry(rec.id), 'cluster')
    local xr = theirs and theirs ~= cid and (per[theirs] or 0) < PER_CLUSTER and read_xrecord(c.num)
    if xr then
      per[theirs] = (per[theirs] or 0) + 1
      taken = taken + 1
      out[#out + 1] = rec.id
      out[#out + 1] = theirs
      out[#out + 1] = hex(xr.blob)
    end
  end
  return out
end

-- similarity ---------------------------------------------------------------

-- Compare two compact signatures position by position. Codes keep the order of the MinHash
-- values, so besides equal positions (Jaccard) we count where each side holds the smaller value:
-- P(min A <= min B) = |A|/|A u B|, hence containment of A in B = equal / (equal + A smaller).
-- Returns the estimated Jaccard and the containment of the smaller set in the larger.
local function compare(mine, theirs)
  if #mine ~= #theirs or #mine == 0 then return nil end
  local a, b = {string.byte(mine, 1, -1)}, {string.byte(theirs, 1, -1)}
  local equal, a_smaller, b_smaller = 0, 0, 0
  for i = 1, #a, 2 do
    local x, y = a[i] * 256 + a[i + 1], b[i] * 256 + b[i + 1]
    if x == y then equal = equal + 1 elseif x < y then a_smaller = a_smaller + 1 else b_smaller = b_smaller + 1 end
  end
  if equal == 0 then return 0, 0 end
  return equal / (#a / 2), equal / (equal + math.min(a_smaller, b_smaller))
end

local function number_of(aid)
  return tonumber(redis.call('HGET', entry(aid), 'seen_seq'))
end

-- clusters and feeds -------------------------------------------------------

-- true when article a sorts before article b: earlier published, ties first seen
local function earlier(a, b)
  local fa = redis.call('HMGET', entry(a), 'published_ts', 'seen_seq')
  local fb = redis.call('HMGET', entry(b), 'published_ts', 'seen_seq')
  local ta, tb = tonumber(fa[1]) or 0, tonumber(fb[1]) or 0
  if ta ~= tb then return ta < tb end
  return (tonumber(fa[2]) or 0) < (tonumber(fb[2]) or 0)
end

local function has_feed(member, feed)
  for _, f in ipairs(split_csv(redis.call('HGET', entry(member), 'feeds'))) do
    if f == feed then return true end
  end
  return false
end

local function set_rep(cid, feed, member)
  redis.call('HSET', p .. 'rep:' .. cid, feed, member)
  redis.call('ZADD', p .. 'feed:' .. feed, redis.call('HGET', entry(member), 'published_ts'), member)
end

-- An implicit cluster (see the layout) has no keys: its founder, `cid`, is its only member.
local function implicit(cid)
  return redis.call('EXISTS', p .. 'cluster:' .. cid) == 0
    and redis.call('HGET', entry(cid), 'cluster') == cid
end

local function size(cid)
  local n = redis.call('ZCARD', p .. 'cluster:' .. cid)
  if n == 0 and implicit(cid) then return 1 end
  return n
end

-- Write an implicit cluster's keys, before another article joins it or its founder leaves it.
local function materialize(cid)
  if not implicit(cid) then return end
  local ekey_c = entry(cid)
  redis.call('ZADD', p .. 'cluster:' .. cid, redis.call('HGET', ekey_c, 'published_ts') or 0, cid)
  for _, feed in ipairs(split_csv(redis.call('HGET', ekey_c, 'feeds'))) do
    redis.call('HSET', p .. 'rep:' .. cid, feed, cid)
  end
end

-- Fold cluster `from` into `into`: members move, each feed keeps the earlier representative.
local function merge(into, from)
  materialize(into)
  materialize(from)
  local members = redis.call('ZRANGE', p .. 'cluster:' .. from, 0, -1, 'WITHSCORES')
  for i = 1, #members, 2 do
    redis.call('ZADD', p .. 'cluster:' .. into, members[i + 1], members[i])
    redis.call('HSET', entry(members[i]), 'cluster', into)
  end
  local reps = redis.call('HGETALL', p .. 'rep:' .. from)
  for i = 1, #reps, 2 do
    local feed, theirs = reps[i], reps[i + 1]
    local ours = redis.call('HGET', p .. 'rep:' .. into, feed)
    if ours and earlier(ours, theirs) then
      redis.call('ZREM', p .. 'feed:' .. feed, theirs)
    else
      if ours then redis.call('ZREM', p .. 'feed:' .. feed, ours) end
      set_rep(into, feed, theirs)
    end
  end
  redis.call('DEL', p .. 'cluster:' .. from, p .. 'rep:' .. from)
end

-- Leave the cluster; where the article represented it in a feed, the earliest other member takes over.
local function leave_cluster()
  local cid = redis.call('HGET', ekey, 'cluster')
  if not cid then return end
  materialize(cid)
  local ckey, rkey = p .. 'cluster:' .. cid, p .. 'rep:' .. cid
  redis.call('ZREM', ckey, id)
  local members = redis.call('ZRANGE', ckey, 0, -1)
  for _, feed in ipairs(split_csv(redis.call('HGET', ekey, 'feeds'))) do
    if redis.call('HGET', rkey, feed) == id then
      redis.call('ZREM', p .. 'feed:' .. feed, id)
      redis.call('HDEL', rkey, feed)
      local best = nil
      for _, m in ipairs(members) do
        if has_feed(m, feed) and (best == nil or earlier(m, best)) then best = m end
      end
      if best then set_rep(cid, feed, best) end
    end
  end
  -- none left, or only the founder (the representative of each of its feeds): no keys needed
  if #members == 0 or (#members == 1 and members[1] == cid) then redis.call('DEL', ckey, rkey) end
end

local function join_feeds(cid, ts, feeds, alone)
  local rkey = p .. 'rep:' .. cid
  if alone then -- its own implicit cluster: it represents it in each of its feeds
    for _, feed in ipairs(split_csv(feeds)) do redis.call('ZADD', p .. 'feed:' .. feed, ts, id) end
    return
  end
  for _, feed in ipairs(split_csv(feeds)) do
    local rep = redis.call('HGET', rkey, feed)
    if not rep or (rep ~= id and earlier(id, rep)) then
      if rep then redis.call('ZREM', p .. 'feed:' .. feed, rep) end
      set_rep(cid, feed, id)
    end
  end
end

-- modes --------------------------------------------------------------------

local function remove_entries(num, rec)
  local packed = pack(num)
  for _, h in ipairs(table_keys(rec.sig, rec.exact)) do take_out(bucket(h), pack(h), packed) end
  delete_record(num)
  remove_translation(num)
  leave_cluster()
  redis.call('HDEL', ekey, 'cluster', 'match', 'match_kind', 'jaccard', 'containment')
end

local function remove()
  local num = number_of(id)
  local rec = num and read_record(num, true)
  if not rec then return 0 end
  load_meta()
  remove_entries(num, rec)
  save_meta()
  return 1
end

-- File the article under each of its keys; return the numbers already there, in key order.
local function file_and_collect(num, sig, exact)
  local packed = pack(num)
  local found, seen = {}, {[num] = true}
  for i, h in ipairs(table_keys(sig, exact)) do
    local bkey, field = bucket(h), pack(h)
    local chunks = read_chunks(bkey, field)
    for _, c in ipairs(chunks) do
      for at = 1, #c, 4 do
        local other = struct.unpack('>I4', c, at)
        if not seen[other] then
          seen[other] = true
          found[#found + 1] = {num = other, via_exact = (i == 1)}
        end
      end
    end
    if not holds(chunks, packed) then append(bkey, field, chunks, packed) end
  end
  return found
end

-- Verify each candidate against its stored signature; one verified match per cluster is enough.
local function verified_matches(found, sig, nsh, exact, t)
  local by_cluster, order = {}, {}
  for _, cand in ipairs(found) do
    local rec = read_record(cand.num, false)
    local cid = rec and redis.call('HGET', entry(rec.id), 'cluster')
    if cid and not by_cluster[cid] then
      local j, c, kind = nil, nil, 'near'
      if cand.via_exact and rec.exact == exact then
        j, c, kind = 1, 1, 'exact'
      elseif nsh >= t.jmin and rec.shingles >= t.jmin then
        j, c = compare(sig, read_record(cand.num, true).sig)
        local contained = math.min(nsh, rec.shingles) >= t.cmin and j and j >= t.cjmin and c >= t.cthr
        if not (j and (j >= t.jthr or contained)) then j = nil end
      end
      if j then
        by_cluster[cid] = {id = rec.id, j = j, c = c, score = math.max(j, c), kind = kind}
        order[#order + 1] = cid
      end
    end
  end
  return by_cluster, order
end

-- A new story's cluster is named after its article, unless copies it once founded still hold
-- that name (its text changed, or it expired and came back): then a fresh name.
local function new_cluster_id()
  if redis.call('EXISTS', p .. 'cluster:' .. id) == 0 then return id end
  return id .. '-' .. int(redis.call('INCR', p .. 'seq'))
end

-- The cluster the article joins: the largest matched one, the others merged into it.
local function settle_cluster(by_cluster, order)
  if #order == 0 then return new_cluster_id(), nil, 0 end
  local target, best = order[1], by_cluster[order[1]]
  local largest = size(target)
  for i = 2, #order do
    local cid = order[i]
    local n = size(cid)
    if n > largest then target, largest = cid, n end
    if by_cluster[cid].score > best.score then best = by_cluster[cid] end
  end
  materialize(target)
  for _, cid in ipairs(order) do
    if cid ~= target then merge(target, cid) end
  end
  return target, best, #order - 1
end

-- The same text again: nothing moves; translation entries are filed if they were missing (the
-- setting was off when it was first indexed), and candidates are reported either way.
local function unchanged(num, tr)
  local cid = redis.call('HGET', ekey, 'cluster')
  local f = redis.call('HMGET', ekey, 'match', 'jaccard', 'containment', 'match_kind')
  local candidates = {}
  if tr.blob ~= '' then
    if not read_xrecord(num) then
      file_translation(num, tr.keys, tr.sig, tr.blob)
      grow()
      save_meta()
    end
    candidates = translation_candidates(probe_translation(num, tr.probes, tr.sig), cid, tr.limit, tr.sig)
  end
  return {'unchanged', cid, f[1] or '', f[2] or '0', f[3] or '0', redis.call('HGET', p .. 'rep:' .. cid, 'all') or id, 0,
          f[4] or '', candidates}
end

local function index()
  local sig, nsh, exact, ts = ARGV[8], tonumber(ARGV[9]), ARGV[10], ARGV[11]
  local t = {jthr = tonumber(ARGV[12]), cthr = tonumber(ARGV[13]), cmin = tonumber(ARGV[14]),
             cjmin = tonumber(ARGV[15]), jmin = tonumber(ARGV[16])}
  local tr = {keys = ARGV[18], probes = ARGV[19], blob = ARGV[20], limit = tonumber(ARGV[21]), sig = ARGV[22]}
  load_meta()
  local num = number_of(id)
  if num then
    local rec = read_record(num, true)
    if rec and rec.exact == exact then return unchanged(num, tr) end
    if rec then remove_entries(num, rec) end
  else
    num = redis.call('INCR', p .. 'seq')
  end
  redis.call('HSET', ekey, 'seen_seq', num, 'published_ts', ts, 'feeds', ARGV[17])

  local found = file_and_collect(num, sig, exact)
  write_record(num, sig, nsh, exact)
  local translations = {by_count = {}, top = 0}
  if tr.blob ~= '' then
    translations = probe_translation(num, tr.probes, tr.sig)
    file_translation(num, tr.keys, tr.sig, tr.blob)
  end
  local cid, best, merged = settle_cluster(verified_matches(found, sig, nsh, exact, t))
  -- a story of its own, named after the article, stays implicit (see the layout)
  local alone = cid == id and redis.call('EXISTS', p .. 'cluster:' .. cid) == 0
  if not alone then redis.call('ZADD', p .. 'cluster:' .. cid, ts, id) end
  redis.call('HSET', ekey, 'cluster', cid)
  if best then
    redis.call('HSET', ekey, 'match', best.id, 'match_kind', best.kind, 'jaccard', tostring(best.j),
               'containment', tostring(best.c))
  end
  join_feeds(cid, ts, ARGV[17], alone)
  grow()
  save_meta()

  local status, match, j, c, kind = 'new', '', '0', '0', ''
  if best then status, match, j, c, kind = 'duplicate', best.id, tostring(best.j), tostring(best.c), best.kind end
  return {status, cid, match, j, c, redis.call('HGET', p .. 'rep:' .. cid, 'all') or id, merged, kind,
          translation_candidates(translations, cid, tr.limit, tr.sig)}
end

-- Union the article's cluster with each verified translation's (into the larger, as settle_cluster
-- does); the article records the first one as its match unless it already has a match.
local function link()
  local cid = redis.call('HGET', ekey, 'cluster')
  if not cid then return {'', 0, ''} end
  local merged, first = 0, nil
  for i = 8, #ARGV do
    local theirs = redis.call('HGET', entry(ARGV[i]), 'cluster')
    if theirs then
      first = first or ARGV[i]
      if theirs ~= cid then
        if size(theirs) > size(cid) then
          merge(theirs, cid)
          cid = theirs
        else
          merge(cid, theirs)
        end
        merged = merged + 1
      end
    end
  end
  if first and not redis.call('HGET', ekey, 'match') then
    redis.call('HSET', ekey, 'match', first, 'match_kind', 'translation')
  end
  return {cid, merged, redis.call('HGET', p .. 'rep:' .. cid, 'all') or id}
end

local function forget()
  local indexed = remove()
  return indexed + redis.call('DEL', ekey) > 0 and 1 or 0
end

-- `newssieve migrate`: a lone founder's cluster keys, from before such clusters were left implicit.
local function forget_keys(apply)
  local ckey, rkey = p .. 'cluster:' .. id, p .. 'rep:' .. id
  local members = redis.call('ZRANGE', ckey, 0, -1)
  if #members ~= 1 or members[1] ~= id or redis.call('HGET', ekey, 'cluster') ~= id then return 0 end
  local reps = redis.call('HGETALL', rkey)
  for i = 2, #reps, 2 do
    if reps[i] ~= id then return 0 end
  end
  if apply then redis.call('DEL', ckey, rkey) end
  return 1
end

-- `newssieve migrate`: the article's index fields, kept in its record before entries, moved to its entry
-- (one written since by a worker wins). -> 1 if it had any. One Redis only (the one mode that reads a
-- record): that layout is older than Redis Cluster support.
local MOVED = {'seen_seq', 'cluster', 'match', 'match_kind', 'jaccard', 'containment'}
local function move_entry(apply)
  local akey = p .. 'article:' .. id
  local v = redis.call('HMGET', akey, 'published_ts', 'feeds', unpack(MOVED))
  if not v[3] and not v[4] then return 0 end
  if not apply then return 1 end
  if redis.call('EXISTS', ekey) == 0 then
    local args = {}
    for i, name in ipairs({'published_ts', 'feeds', unpack(MOVED)}) do
      if v[i] then args[#args + 1] = name; args[#args + 1] = v[i] end
    end
    redis.call('HSET', ekey, unpack(args))
  end
  redis.call('HDEL', akey, unpack(MOVED))
  return 1
end

local function similarity()
  local out = {}
  for i = 8, #ARGV, 2 do
    local na, nb = number_of(ARGV[i]), number_of(ARGV[i + 1])
    local ra, rb = na and read_record(na, true), nb and read_record(nb, true)
    local j = ra and rb and compare(ra.sig, rb.sig)
    out[#out + 1] = j and tostring(j) or ''
  end
  return out
end

if mode == 'index' then return index() end
if mode == 'link' then return link() end
if mode == 'remove' then return remove() end
if mode == 'forget' then return forget() end
if mode == 'similarity' then return similarity() end
if mode == 'implicit' then return forget_keys(ARGV[8] == 'apply') end
if mode == 'move' then return move_entry(ARGV[8] == 'apply') end
return redis.error_reply('unknown mode ' .. tostring(mode))
