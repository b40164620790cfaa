-- Reads behind a feed page (store/articles.py: Store.feed_rows and Store.copies; feeds/query.py:
-- a whole unfiltered page), answered as ONE JSON string per call, so that a page of 50 stories
-- costs one to three round trips and replies instead of ~150 commands and ~700 reply elements
-- for the client to parse.
-- Read-only; keys are built from the prefix like story_index.lua (standalone Redis):
-- {p}article:{id} (hash), {p}entry:{id} (hash: its place in the story index) and {p}cluster:{id}
-- (zset of member ids by published time).
--
-- ARGV[1] = mode, ARGV[2] = prefix, ARGV[3] = JSON list of article field names, then:
--   rows:    article ids -> per id, its field values ('' when unset), or null when it is gone
--   copies:  (article id, cluster id) pairs -> per pair, the field values of every other
--            member of the cluster, earliest published first (members that are gone are left out)
--   page:    one page of an unfiltered feed, newest first (FeedReader.page): [4] JSON list of the
--            copies' field names, [5] feed name, [6] highest score (a ZRANGE bound: '+inf' or
--            '(' score), [7] lowest score, [8] score of the position to continue after ('' = none)
--            and [9] its member: the members with that score that sort before it (bytes, as
--            zscan.walk does) come first; [10] candidates to read at most, [11] how many of the
--            first candidates to read the copies of, [12] the digest of the answer the caller holds
--            ('' = none)
--            -> '=' when the answer's digest (sha1 of its JSON) is [12], else that 40-hex digest
--            followed by the JSON [[member, score, ...], [per candidate: its values as in `rows`],
--            [per candidate of the first [11]: its copies as in `copies`, {} when its row is not
--            there]]. A feed key of the wrong type is an error reply, as the command's would be.
-- An article is gone when its hash has no id. A key of the wrong type answers {error, id} in
-- place of the article's values, or {error} in place of the cluster's copies (redis.pcall), so
-- one malformed record does not fail the page (Store reports it).

local mode, p = ARGV[1], ARGV[2]
local fields = cjson.decode(ARGV[3])

-- The fields story_index.lua keeps in the article's entry, not its record (store/articles.py ENTRY_FIELDS).
local ENTRY = {seen_seq = true, cluster = true, match = true, match_kind = true, jaccard = true,
               containment = true}

-- The entry's values of those of `names` it holds, over the record's `v` (whose first value is the id);
-- a record of the older layout (no entry) keeps its own. An entry key of the wrong type: {error, id}.
local function with_entry(id, names, v)
  local wanted, at = {}, {}
  for i, name in ipairs(names) do
    if ENTRY[name] then wanted[#wanted + 1] = name; at[#at + 1] = i + 1 end
  end
  if #wanted == 0 then return v end
  local e = redis.pcall('HMGET', p .. 'entry:' .. id, unpack(wanted))
  if e.err then return {error = e.err, id = id, entry = true} end
  local any = false
  for i = 1, #wanted do any = any or e[i] ~= false end
  if any then
    for i = 1, #wanted do v[at[i]] = e[i] end
  end
  return v
end

local function values(id, names)
  names = names or fields
  local v = redis.pcall('HMGET', p .. 'article:' .. id, 'id', unpack(names))
  if v.err then return {error = v.err, id = id} end
  if not v[1] then return nil end
  v = with_entry(id, names, v)
  if v.error then return v end
  local out = {}
  for i = 1, #names do
    out[i] = v[i + 1] or ''
  end
  return out
end

local function cluster_copies(id, cluster, names)
  local members = redis.pcall('ZRANGE', p .. 'cluster:' .. cluster, 0, -1)
  if members.err then return {error = members.err} end
  local copies = {}
  for _, member in ipairs(members) do
    if member ~= id then copies[#copies + 1] = values(member, names) end
  end
  return copies
end

-- a < b comparing bytes (Lua's own < may follow the locale)
local function before(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

local function page()
  local copy_fields, key = cjson.decode(ARGV[4]), p .. 'feed:' .. ARGV[5]
  local after, after_member, batch, with_copies = ARGV[8], ARGV[9], tonumber(ARGV[10]), tonumber(ARGV[11])
  local cands = {}
  if after ~= '' then
    local ties = redis.pcall('ZREVRANGEBYSCORE', key, after, after, 'WITHSCORES')
    if ties.err then return ties end
    for i = 1, #ties, 2 do
      if #cands < 2 * batch and before(ties[i], after_member) then
        cands[#cands + 1] = ties[i]
        cands[#cands + 1] = ties[i + 1]
      end
    end
  end
  local range = redis.pcall('ZREVRANGEBYSCORE', key, ARGV[6], ARGV[7], 'WITHSCORES', 'LIMIT', 0, batch)
  if range.err then return range end
  for i = 1, #range do
    if #cands == 2 * batch then break end
    cands[#cands + 1] = range[i]
  end
  local cluster_at = 0
  for i, name in ipairs(fields) do
    if name == 'cluster' then cluster_at = i end
  end
  local rows, copies = {}, {}
  for n = 1, #cands / 2 do
    local id = cands[2 * n - 1]
    local row = values(id)
    rows[n] = row or cjson.null
    if n <= with_copies then
      if row == nil or row.error then
        copies[n] = {}
      else
        local cluster = cluster_at > 0 and row[cluster_at] or ''
        copies[n] = cluster_copies(id, cluster ~= '' and cluster or id, copy_fields)
      end
    end
  end
  local answer = cjson.encode({cands, rows, copies})
  local digest = redis.sha1hex(answer)
  if digest == ARGV[12] then return '=' end
  return digest .. answer
end

if mode == 'page' then return page() end

local out = {}
if mode == 'rows' then
  for i = 4, #ARGV do
    out[#out + 1] = values(ARGV[i]) or cjson.null
  end
elseif mode == 'copies' then
  for i = 4, #ARGV, 2 do
    out[#out + 1] = cluster_copies(ARGV[i], ARGV[i + 1], fields)
  end
else
  return redis.error_reply('unknown mode ' .. tostring(mode))
end
return cjson.encode(out)
